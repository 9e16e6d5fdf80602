"""The ``decensor-train`` command."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

ARCHITECTURES = ("gated-conv", "edgeconnect")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="decensor-train", description="Build datasets, train, export and evaluate models."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    describe = commands.add_parser("describe", help="parameter counts of a network")
    describe.add_argument("--arch", choices=ARCHITECTURES, required=True)
    describe.add_argument(
        "--width", type=int, default=None,
        help="cnum for gated-conv (paper 48), base channels for edgeconnect (paper 64)",
    )  # fmt: skip
    describe.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _describe(args: argparse.Namespace) -> int:
    from decensor_app.trainer.describe import describe

    if args.width is not None and args.width <= 0:
        print("decensor-train: error: --width must be positive", file=sys.stderr)
        return 2
    result = describe(args.arch, args.width)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['arch']} at width {result['width']}:")
        for network, count in result["parameters"].items():
            print(f"  {network:<22} {count:>12,}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"describe": _describe}
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
