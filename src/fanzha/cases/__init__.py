"""Cases: reports filed as cases (intake), linked into investigations (串并案, with hubs set aside), and the leak
behind them (the shops and courier outlets over-represented among the victims' recent orders).

    from fanzha.cases.api import run_intake, run_link, run_leaks

Modules: `model` (a case and the files of a case folder), `intake`, `numbers` (the scam numbers for the
operators), `link`, `leaks`, `svg` (the picture of a cluster), `api` (each step writing its folder). It reads
`fanzha trace`'s output files, never `fanzha.trace`. See docs/cases.md.
"""
