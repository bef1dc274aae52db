"""clausecheck: an SMT compliance checker for seller refund, return,
cancellation and warranty policies."""

__version__ = "0.1.0"
