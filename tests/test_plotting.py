"""Plotting helpers: the theory line has the stated slope and passes through its anchor."""
import numpy as np

from heavytail_sim.plotting import local_slope_panel, loglog_curve, panel_grid, pyplot, theory_line


def test_theory_line_slope_and_anchor():
    fig, axes = panel_grid(1, 1)
    theory_line(axes[0], 10, 1e4, -0.75, 100.0, 2.0)
    x, y = axes[0].lines[0].get_data()
    assert np.allclose(np.diff(np.log(y)) / np.diff(np.log(x)), -0.75)
    assert abs(np.interp(np.log(100.0), np.log(x), np.log(y)) - np.log(2.0)) < 1e-12
    pyplot().close(fig)


def test_loglog_curve_draws_curve_band_and_theory_slope():
    fig, axes = panel_grid(3, 2)
    assert len(axes) == 3 and not fig.axes[3].get_visible()
    k = np.geomspace(1, 1e4, 20)
    y = k ** -0.5
    loglog_curve(axes[0], k, y, "m", band=(0.8 * y, 1.2 * y), theory_slope=-0.9, window=(100, 1e4))
    lines = axes[0].lines
    assert len(lines) == 2  # the curve and the theory line
    x, t = lines[1].get_data()
    assert np.allclose(np.diff(np.log(t)) / np.diff(np.log(x)), -0.9)
    assert axes[0].get_xscale() == "log" and axes[0].get_yscale() == "log"
    local_slope_panel(axes[1], k[:5], -0.5 * np.ones(5), -0.6 * np.ones(5), -0.4 * np.ones(5), theory=-0.5,
                      label="s", model=-0.45)
    assert len(axes[1].lines) == 3  # slopes, theory, model
    pyplot().close(fig)
