"""Records: the shapes of what fanzha reads and writes, and the units they are measured in.

The lowest floor of the package (above only `fanzha.errors`, `fanzha.messages` and `fanzha.registry`): events,
transfers and accounts of a world (`schema`, `events`), event kinds and ledger channels (`kinds`), durations,
times and money (`units`), text files in any common Chinese encoding (`files`), chat turns in every shape people
export them (`turns`), and the labelled corpora (`corpora`). Written by `fanzha.sim`, read by `fanzha.warn`,
`fanzha.trace` and `fanzha.evaluate` through these modules only. Importing this package imports nothing heavy;
`schema` and `arrow` need pyarrow.
"""
