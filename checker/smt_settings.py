"""Which solver this is, and its process-wide settings.

Witnesses are models the solver returns, so they may change with the Z3 release:
the artefacts record `solver()` so that a stale report can say why. `set_seed`
fixes Z3's random seeds for every solver built afterwards (Z3 copies global
parameters into each new context, the per-analysis contexts included).

Part of the SMT layer (it may import z3), kept apart from `smt` so that the
renderers can name the solver without reaching the encoding. z3 is imported
inside the functions: reading the version costs nothing in a process that has
already solved something, and importing this module never loads the solver.
"""

from __future__ import annotations

# Every random seed Z3 5.x has: the SMT core, the SAT core, nlsat (non-linear
# arithmetic), local search and Spacer. All default to 0; each is an unsigned 32-bit int.
MAX_SEED = 2**32 - 1
SEED_PARAMETERS = ("smt.random_seed", "sat.random_seed", "nlsat.seed", "sls.random_seed", "fp.spacer.random_seed")


def solver_version() -> str:
    """The version of the Z3 library in use, as its package numbers it (`5.4.1.0`)."""
    import z3

    return ".".join(str(n) for n in z3.get_version())


def solver() -> dict[str, str]:
    """The solver as the artefacts record it: `{"name": "z3", "version": ...}`."""
    return {"name": "z3", "version": solver_version()}


def set_seed(seed: int) -> None:
    """Set every random seed of Z3 to `seed` (0..MAX_SEED) for the solvers built from now on."""
    import z3

    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"a solver seed is an integer from 0 to {MAX_SEED}, not {seed}")
    for name in SEED_PARAMETERS:
        z3.set_param(name, seed)
