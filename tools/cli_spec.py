"""Save the `nanomm` parser as the calls that make it, so `nanomm --help` answers before torch loads (nbs/07_cli.ipynb).
`python tools/cli_spec.py` writes nanomm/cli_spec.json; `python tools/cli_spec.py --check` exits 1 if it is stale.
Run it after `nbdev_export` whenever an option changes: a config's field, a preset, a registered part or the CLI's own."""
import json, sys
from nanomm.cli import parser_calls, save_parser_spec, spec_file, _version

if __name__ == '__main__':
    if '--check' in sys.argv[1:]:
        try: spec = json.loads(spec_file().read_text())
        except (OSError, ValueError) as e:
            sys.exit(f'{spec_file()}: cannot be read ({e}): run python tools/cli_spec.py')
        if spec.get('version') != _version() or spec.get('calls') != parser_calls():
            sys.exit(f'{spec_file()} is stale (an option, a default or a help text changed): run python tools/cli_spec.py')
        print(f'{spec_file()} is current')
    else: print(f'wrote {save_parser_spec()}')
