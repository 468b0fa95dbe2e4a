"""``python -m experiments.adaptive``: the adaptive study with the options of ``heavytail-sim adaptive``."""
import sys

from heavytail_sim.cli import standalone

from . import STUDY

sys.exit(standalone(STUDY, prog="python -m experiments.adaptive"))
