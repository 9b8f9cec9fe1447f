"""The `followup-ics` program and `python -m followup_ics`: the command line, started with the cyclic
garbage collector paused until the command's modules are imported (see ``followup_ics.cli.resume_gc``).
Kept apart from the cli package so that the pause covers importing click and the cli as well."""

import gc


def main() -> None:
    gc.disable()
    from followup_ics.cli import main as run_cli

    run_cli(gc_paused=True)
