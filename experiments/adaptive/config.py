"""The adaptive study's configuration: parts, parameters with their quick and full presets, cross-field
rules, and the fixed design choices (which factor settings, which models, which update scenarios)."""
from __future__ import annotations

from heavytail_sim.study import ConfigError, Float, Int, ListOf, Param, Str, ordered

PARTS = ("sweep", "factors", "models", "noise", "diagnosis", "updates", "fig8")
PART_HELP = {
    "sweep": "noise-law sweep on the quadratic with equal scales, stationary noise (tables sweep, sgd_gap)",
    "factors": "coordinate scales, non-stationary noise and the non-convex ripple at a few laws",
    "models": "SGD / GClip / Adam / ACClip training curves on the four small models, tuned learning rates",
    "noise": "minibatch gradient noise of the models during SGD training: norms vs Gaussian, tail indices",
    "diagnosis": "the tail estimators (heavytail_sim.diagnose) on the sweep's noise of known law",
    "updates": "seed 002: momentum inside vs outside the preconditioner, modes under stable-index sweep",
    "fig8": "seed 002 Fig 8: Adam's update law on the models for several initialisations",
}
BASE_SETTING = "quadratic/equal/stationary"
FACTOR_SETTINGS = ("quadratic/hetero/stationary", "quadratic/equal/switching", "quadratic/hetero/switching",
                   "ripple/equal/stationary", "ripple/hetero/stationary")
MODEL_KINDS = ("bigram", "attention", "attention_gaussian", "mlp")
MODEL_LABEL = {"bigram": "bigram LM, Zipf tokens", "attention": "attention, Zipf tokens",
               "attention_gaussian": "attention, Gaussian inputs", "mlp": "MLP, Gaussian features (control)"}
TRAIN_METHODS = ("sgd", "gclip", "adam", "acclip")
ORDER_BETAS = (0.9, 0.999)        # Adam's defaults: mu = beta1 = 0.9, beta = beta2 = 0.999
ORDER_STEPS = (1, 2, 3, 5, 10, 20, 50, 200)
MODE_STEPS = (2, 3, 5, 10, 20, 50)
FIG8_STEPS = (2, 3, 5, 10, 20)
FIG8_LR = 1e-3                    # small: the first steps stay near initialisation, as in seed 002 Sec 5
FIG8_BETA2 = 0.999

_LAW = Str()
PARAMS = {
    "parts": Param(ListOf(Str(PARTS), unique=True), "parts to run: " + ", ".join(PARTS)),
    "dim": Param(Int(2, 10 ** 4), "dimension of the sweep problems"),
    "steps": Param(Int(16, 10 ** 7), "horizon K of every sweep run (the switching profile changes every K/8)"),
    "sweep_laws": Param(ListOf(_LAW, unique=True), "noise laws of the sweep: t<df>, stable<alpha>, gaussian"),
    "factor_laws": Param(ListOf(_LAW, unique=True), "noise laws of the factor settings"),
    "factors": Param(ListOf(Str(FACTOR_SETTINGS), unique=True), "factor settings (problem/scales/profile)"),
    "eta_lo": Param(Float(0.0, 1e6, lo_open=True), "smallest learning rate (or clipped step) of the initial grid"),
    "eta_hi": Param(Float(0.0, 1e6, lo_open=True), "largest learning rate of the initial grid (>= eta_lo)"),
    "per_decade": Param(Int(1, 20), "grid values per decade"),
    "tau_mults": Param(ListOf(Float(0.0, 1e6, lo_open=True), unique=True, increasing=True),
                       "initial GClip/CClip thresholds in units of ||B||_2 / B_i (B_i = E|xi_i|)"),
    "max_extend": Param(Int(0, 10), "grid values the tuner may add beyond each end of each axis"),
    "tune_seeds": Param(Int(1, 100), "tuning seeds (disjoint from the evaluation seeds)"),
    "tune_runs": Param(Int(1, 10 ** 6), "runs per tuning seed"),
    "eval_seeds": Param(Int(1, 100), "evaluation seeds"),
    "eval_runs": Param(Int(2, 10 ** 6), "runs per evaluation seed"),
    "models": Param(ListOf(Str(MODEL_KINDS), unique=True), "small models trained"),
    "n_data": Param(Int(64, 10 ** 6), "examples in each model's finite data set"),
    "train_steps": Param(Int(2, 10 ** 6), "training steps per run"),
    "batch_size": Param(Int(1, 4096), "minibatch size of training and of the noise samples"),
    "lr_lo": Param(Float(0.0, 1e6, lo_open=True), "smallest learning rate of the models' initial grid"),
    "lr_hi": Param(Float(0.0, 1e6, lo_open=True), "largest learning rate of the models' initial grid"),
    "lr_per_decade": Param(Int(1, 20), "learning rates per decade (models)"),
    "clip_mults": Param(ListOf(Float(0.0, 1e6, lo_open=True), unique=True, increasing=True),
                        "GClip thresholds on the models, in units of the median minibatch gradient norm at init"),
    "model_tune_seeds": Param(Int(1, 100), "minibatch streams of the models' tuning runs"),
    "model_eval_seeds": Param(Int(1, 100), "minibatch streams of the models' reported runs"),
    "log_points": Param(Int(2, 10 ** 4), "logged losses per training curve"),
    "noise_checkpoints": Param(Int(2, 20), "training steps at which the noise is sampled (evenly spread, 0 and the end)"),
    "noise_batches": Param(Int(500, 10 ** 6), "minibatches per noise sample (>= 500 for the tail estimators)"),
    "n_boot": Param(Int(20, 10 ** 5), "bootstrap resamples of every tail-index interval"),
    "diag_n": Param(Int(500, 10 ** 7), "noise vectors per law for the estimator diagnosis"),
    "update_runs": Param(Int(200, 10 ** 8), "independent coordinates per update-law scenario"),
    "mode_boot": Param(Int(10, 10 ** 4), "bootstrap resamples of the mode-count criterion"),
    "stable_alphas": Param(ListOf(Float(0.5, 2.0), unique=True, increasing=True),
                           "stable indices of the update-mode sweep (1 = Cauchy, 2 = Gaussian)"),
    "fig8_seeds": Param(Int(1, 20), "initialisations per model for seed 002 Fig 8"),
}
SWEEP_QUICK = ("t1.1", "t1.5", "t2", "t3", "t5", "t10", "gaussian", "stable1.1", "stable1.5", "stable1.9")
SWEEP_FULL = ("t1.1", "t1.5", "t2", "t3", "t5", "t10", "gaussian", "stable1.1", "stable1.3", "stable1.5",
              "stable1.7", "stable1.9", "stable2")
PRESETS = {
    "quick": {"parts": PARTS, "dim": 10, "steps": 400, "sweep_laws": SWEEP_QUICK, "factor_laws": ("t1.5", "gaussian"),
              "factors": FACTOR_SETTINGS, "eta_lo": 1e-3, "eta_hi": 1.0, "per_decade": 2,
              "tau_mults": (1 / 16, 1 / 4, 1.0, 4.0), "max_extend": 2, "tune_seeds": 1, "tune_runs": 16,
              "eval_seeds": 2, "eval_runs": 32, "models": MODEL_KINDS, "n_data": 2048, "train_steps": 200,
              "batch_size": 32, "lr_lo": 1e-3, "lr_hi": 10.0, "lr_per_decade": 1, "clip_mults": (0.25, 1.0),
              "model_tune_seeds": 1, "model_eval_seeds": 2, "log_points": 10, "noise_checkpoints": 2,
              "noise_batches": 500, "n_boot": 50, "diag_n": 2000, "update_runs": 20_000, "mode_boot": 30,
              "stable_alphas": (1.0, 1.2, 1.5, 1.8, 2.0), "fig8_seeds": 3},
    "full": {"parts": PARTS, "dim": 10, "steps": 1000, "sweep_laws": SWEEP_FULL, "factor_laws": ("t1.5", "t3", "gaussian"),
             "factors": FACTOR_SETTINGS, "eta_lo": 1e-3, "eta_hi": 1.0, "per_decade": 3,
             "tau_mults": (1 / 16, 1 / 4, 1.0, 4.0), "max_extend": 3, "tune_seeds": 1, "tune_runs": 32,
             "eval_seeds": 4, "eval_runs": 50, "models": MODEL_KINDS, "n_data": 4096, "train_steps": 600,
             "batch_size": 32, "lr_lo": 1e-3, "lr_hi": 10.0, "lr_per_decade": 2, "clip_mults": (0.25, 1.0, 4.0),
             "model_tune_seeds": 1, "model_eval_seeds": 3, "log_points": 30, "noise_checkpoints": 3,
             "noise_batches": 2000, "n_boot": 200, "diag_n": 10_000, "update_runs": 100_000, "mode_boot": 50,
             "stable_alphas": (1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0), "fig8_seeds": 3},
}


def check(cfg: dict) -> None:
    """Cross-field rules: grid ranges ordered, laws readable."""
    from heavytail_sim.errors import ParameterError
    from heavytail_sim.noise_sweep import parse_law

    for lo, hi in (("eta_lo", "eta_hi"), ("lr_lo", "lr_hi")):
        ordered(lo, hi)(cfg)
    for key in ("sweep_laws", "factor_laws"):
        for text in cfg[key]:
            try:
                parse_law(text)
            except ParameterError as exc:
                raise ConfigError(key, f"{text!r}: {exc.message}") from None


def setting_of(name: str, cfg: dict):
    """The :class:`heavytail_sim.noise_sweep.Setting` named ``problem/scales/profile``."""
    from heavytail_sim.noise_sweep import Setting

    problem, scales, profile = name.split("/")
    return Setting(problem, scales, profile, cfg["dim"], cfg["steps"])


def grid(lo: float, hi: float, per_decade: int) -> tuple:
    """The initial log grid (both ends included)."""
    from heavytail_sim.tuning import log_grid

    return tuple(float(v) for v in log_grid(lo, hi, per_decade))
