"""``pyneural spec validate|show SPEC.json``."""

from __future__ import annotations

__all__ = ["cmd_spec"]


def cmd_spec(args) -> int:
    from ..model_spec import ModelSpec

    spec = ModelSpec.from_json(args.spec)
    ds = spec.dataset
    one_hot = any(f.one_hot for f in ds.features.values())
    inputs = None if one_hot else ds.input_names()
    if inputs is not None:
        spec.build_network(len(inputs))  # units expressions and the output layer's width
    if args.action == "validate":
        count = "data-dependent (one-hot)" if inputs is None else len(inputs)
        print(f"{args.spec}: valid model spec {spec.name!r}: {count} inputs, outputs {ds.output_names()}, "
              f"trainer {spec.training.trainer}, {spec.training.epochs} epochs")
        return 0
    print(spec.to_json(), end="")
    if inputs is not None:
        net = spec.build_network(len(inputs))
        print(f"# inputs ({len(inputs)}): {', '.join(inputs)}")
        print(f"# outputs: {', '.join(ds.output_names())}")
        print("# " + net.summary().replace("\n", "\n# "))
    return 0
