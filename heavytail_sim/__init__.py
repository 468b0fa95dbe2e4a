"""heavytail-sim: simulation and theory checks for optimisation under heavy-tailed gradient noise."""
__version__ = "0.1.0"
