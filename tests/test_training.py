"""Tests for heavytail_sim.training: steps equal the reference rules applied by hand, recorded updates,
divergence, and tuning on a tiny model."""
import math

import numpy as np
import pytest

from heavytail_sim.algorithms import Algorithm
from heavytail_sim.errors import ParameterError, UsageError
from heavytail_sim.models import MLP, Bigram
from heavytail_sim.training import (compare_methods, grad_norm_scale, method_step, train, tune_training,
                                    update_samples)


@pytest.fixture(scope="module")
def small():
    model = MLP(dim=3, hidden=4)
    return model, model.make_data(64, 1)


def test_sgd_equals_hand_written_steps(small):
    model, data = small
    theta0 = model.init(2)
    run = train(model, data, theta0, Algorithm("sgd"), 0.1, steps=5, batch_size=4, seed=9, log_every=2)
    gen = np.random.default_rng([9, 3])  # the documented minibatch stream
    theta = theta0.copy()
    for _ in range(5):
        theta = theta - 0.1 * model.grad(theta, data.take(gen.integers(0, len(data), 4)))
    assert np.array_equal(run.theta, theta)
    assert run.steps.tolist() == [0, 2, 4, 5] and run.diverged_at is None
    assert run.loss[0] == pytest.approx(model.full_loss(theta0, data)) and run.final_loss == pytest.approx(
        model.full_loss(theta, data))


def test_adam_first_update_is_minus_sign_and_is_recorded(small):
    model, data = small
    alg = Algorithm("adam", beta1=0.9, beta2=0.999, eps=1e-12)
    run = train(model, data, model.init(0), alg, 1e-3, steps=3, seed=1, record_steps=(1, 3), block=(0, 12))
    gen = np.random.default_rng([1, 3])
    g1 = model.grad(model.init(0), data.take(gen.integers(0, len(data), 32)))[:12]
    # bias-corrected Adam at step 1: m/c1 = g, v/c2 = g^2, so Delta = -g / (|g| + eps) = -sign(g)
    np.testing.assert_allclose(run.updates[1], -np.sign(g1), atol=1e-9)
    assert set(run.updates) == {1, 3} and run.updates[3].shape == (12,)
    assert run.active[1].all()  # dense MLP gradients


def test_sparse_gradients_are_marked_inactive():
    model = Bigram(vocab=16)
    data = model.make_data(64, 0)
    alg = Algorithm("adam", beta1=0.0, beta2=0.999, eps=1e-12)  # seed 002's setting: no momentum
    run = train(model, data, model.init(0), alg, 1e-2, steps=2, batch_size=2, seed=0, record_steps=(2,),
                block=(0, 256))
    act, upd = run.active[2], run.updates[2]
    # a minibatch of 2 tokens touches at most 2 rows of W (16 entries each): the rest has zero gradient,
    # and without momentum a zero gradient gives an update of exactly 0 (a spike at 0 in the update law)
    assert 0 < act.sum() <= 32
    assert np.all(upd[~act] == 0.0) and np.all(upd[act] != 0.0)


def test_divergence_is_reported(small):
    model, data = small
    run = train(model, data, model.init(0), Algorithm("sgd"), 1e6, steps=50, seed=0, log_every=5)
    assert run.diverged_at is not None and run.diverged_at <= 50
    assert np.isinf(run.loss[-1]) and np.isnan(run.theta).all()
    assert run.steps.size == run.loss.size == 11


def test_validation(small):
    model, data = small
    with pytest.raises(ParameterError):
        train(model, data, model.init(0), Algorithm("sgd"), -1.0, steps=3)
    with pytest.raises(ParameterError):
        train(model, data, model.init(0), Algorithm("sgd"), 0.1, tau=0.0, steps=3)
    with pytest.raises(UsageError):
        train(model, data, model.init(0), Algorithm("sgd"), 0.1, steps=3, record_steps=(4,))
    with pytest.raises(UsageError):
        train(model, data, model.init(0), Algorithm("sgd"), 0.1, steps=3, block=(5, 2))
    with pytest.raises(ParameterError):
        method_step("lion", {"eta": 1.0}, 1.0)


def test_method_step_and_scale(small):
    model, data = small
    alg, eta, tau = method_step("gclip", {"cap": 0.3, "tau_mult": 2.0}, g0=5.0)
    assert alg.name == "gclip" and alg.beta1 == 0.9 and eta == pytest.approx(0.15) and tau == pytest.approx(10.0)
    assert method_step("adam", {"eta": 0.01}, 5.0)[2] == math.inf
    g0 = grad_norm_scale(model, data, model.init(0), batch_size=8, n=16, seed=3)
    assert g0 > 0 and g0 == grad_norm_scale(model, data, model.init(0), batch_size=8, n=16, seed=3)


def test_tune_training_tiny(small):
    model, data = small
    res, g0 = tune_training(model, data, "gclip", (0.01, 0.1), (0.5, 2.0), seeds=[1, 2], steps=8, batch_size=8,
                            max_extend=1)
    assert g0 > 0 and {"cap", "tau_mult", "score", "seed_1", "seed_2"} <= set(res.table)
    assert res.best_score == pytest.approx(res.table.score.min())
    # the score is the median over seeds of the final full-data loss of that candidate
    row = res.table.loc[res.table.score.idxmin()]
    alg, eta, tau = method_step("gclip", res.best, g0)
    finals = [train(model, data, model.init(0), alg, eta, tau, steps=8, batch_size=8, seed=s).final_loss for s in (1, 2)]
    assert row.score == pytest.approx(np.median(finals))
    with pytest.raises(UsageError):
        tune_training(model, data, "adam", (0.1,), (1.0,), seeds=[], steps=2)


def test_compare_methods_tiny(small):
    model, data = small
    rows, curves, tab = compare_methods(model, data, ["sgd", "adam"], (0.01, 0.1), (1.0,), tune_seeds=[1],
                                        eval_seeds=[2, 3], steps=6, batch_size=8, log_every=3, max_extend=0)
    assert [r["method"] for r in rows] == ["sgd", "adam"] and set(tab.method) == {"sgd", "adam"}
    for r in rows:
        assert r["final_min"] <= r["final_median"] <= r["final_max"] and r["eval_seeds"] == 2
    # curves: 2 methods x 2 seeds x steps {0, 3, 6}; all start from the same initial loss
    assert len(curves) == 12 and len({c["loss"] for c in curves if c["step"] == 0}) == 1


def test_update_samples_block_and_seeds(small):
    model, data = small
    us = update_samples(model, data, [0, 1], record=(1, 3), eta=1e-3, batch_size=8)
    assert set(us) == {0, 1} and set(us[0]) == {1, 3}
    u, act = us[0][1]
    assert u.shape == (12,) and act.all()  # the largest block of MLP(3, 4) is W1 (3 x 4)
    np.testing.assert_allclose(np.abs(u), 1.0, atol=1e-8)  # step 1 without momentum: -sign(g)
    assert not np.array_equal(us[0][3][0], us[1][3][0])  # different initialisations
    with pytest.raises(UsageError, match="block"):
        update_samples(model, data, [0], record=(1,), eta=1e-3, block="W9")
