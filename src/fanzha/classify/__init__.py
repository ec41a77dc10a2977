"""The trained text model: character n-gram features, the wide-and-deep model, training, and the runtime that
plugs it into the detector's fusion point (`fanzha.classify.runtime.ModelHook`, a `fanzha.detect.scorer.TextScorer`).
See docs/model-card.md."""
