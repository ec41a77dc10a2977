"""Fund tracing: from a victim's transfer to the freeze list (see docs/trace.md)."""
