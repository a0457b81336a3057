"""ab_analysis.py against known answers: closed-form sample sizes, scipy's Welch test and
chi-square, simulated experiments with a known effect, and the peeking guarantee."""

import importlib.util

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from .conftest import SKILLS, ScriptRunner

SCRIPT = ("experimentation", "scripts/ab_analysis.py")


class SlowRunner(ScriptRunner):
    """The shared runner with a longer timeout: the test machine can be heavily loaded."""

    def __call__(self, skill: str, script: str, *args, timeout: float = 900):
        return super().__call__(skill, script, *args, timeout=timeout)


@pytest.fixture
def run(tmp_path) -> SlowRunner:
    return SlowRunner(tmp_path)


@pytest.fixture
def units(tmp_path):
    """Write an experiment as units.csv; returns the arguments naming the file and its columns."""

    def write(data: pd.DataFrame) -> list[str]:
        data.to_csv(tmp_path / "units.csv", index=False)
        return ["units.csv", "--arm", "arm", "--control", "control", "--metric", "spend"]

    return write


def load_module():
    spec = importlib.util.spec_from_file_location("ab_analysis", SKILLS / SCRIPT[0] / SCRIPT[1])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def experiment(n=4000, effect=0.0, seed=0, share=0.5, pre_corr=0.8) -> pd.DataFrame:
    """Units with a pre-period metric correlated with the outcome; a known additive effect."""
    rng = np.random.default_rng(seed)
    arm = np.where(rng.random(n) < share, "treatment", "control")
    pre = rng.normal(10, 3, n)
    noise = rng.normal(0, 3 * np.sqrt(1 - pre_corr**2), n)
    spend = 10 + pre_corr * (pre - 10) + noise + effect * (arm == "treatment")
    latency = rng.normal(200, 20, n)
    return pd.DataFrame(
        {
            "user": [f"u{i:05d}" for i in range(n)],
            "arm": arm,
            "pre": pre,
            "spend": spend,
            "latency": latency,
            "day": rng.integers(1, 15, n),
        }
    )


def test_size_matches_the_closed_form_for_proportions_and_means(run: SlowRunner):
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    got = run.json(*SCRIPT, "size", "--baseline", "0.10", "--mde", "0.02")
    assert got["n_control"] == int(np.ceil(z**2 * (0.1 * 0.9 + 0.12 * 0.88) / 0.02**2))
    # The 16 p(1-p) / d^2 rule of thumb lands within 10%.
    assert got["n_control"] == pytest.approx(16 * 0.09 / 0.02**2, rel=0.1)
    relative = run.json(*SCRIPT, "size", "--baseline", "0.10", "--mde", "0.2", "--relative")
    assert relative["n_control"] == got["n_control"]
    means = run.json(
        *SCRIPT, "size", "--sd", "5", "--mde", "0.5", "--power", "0.9", "--daily-units", "1000"
    )
    z90 = stats.norm.ppf(0.975) + stats.norm.ppf(0.9)
    assert means["n_control"] == int(np.ceil(2 * z90**2 * 25 / 0.25))
    assert means["days"] == int(np.ceil(means["n_total"] / 1000))


def test_size_rejects_impossible_plans(run: SlowRunner):
    run.fails(*SCRIPT, "size", "--baseline", "0.95", "--mde", "0.1", words=("(0, 1)",))
    run.fails(*SCRIPT, "size", "--mde", "0.1", words=("exactly one",))


def test_assignment_is_stable_balanced_and_independent_across_experiments(run, tmp_path):
    pd.DataFrame({"user_id": [f"{i:06d}" for i in range(20000)]}).to_csv(
        tmp_path / "ids.csv", index=False
    )
    args = ["assign", "ids.csv", "--id-col", "user_id", "--weights", "80,20"]
    run.json(*SCRIPT, *args, "--experiment", "a", "--out", "a1.csv")
    run.json(*SCRIPT, *args, "--experiment", "a", "--out", "a2.csv")
    run.json(*SCRIPT, *args, "--experiment", "b", "--out", "b.csv")
    a1, a2, b = (pd.read_csv(tmp_path / f, dtype=str) for f in ("a1.csv", "a2.csv", "b.csv"))
    assert a1["user_id"].iloc[5] == "000005"  # ids stay text: leading zeros kept
    assert (a1["arm"] == a2["arm"]).all()
    share = (a1["arm"] == "treatment").mean()
    assert abs(share - 0.2) < 3 * np.sqrt(0.2 * 0.8 / 20000)
    # Independent salts: treatment in a tells nothing about treatment in b.
    table = pd.crosstab(a1["arm"], b["arm"])
    assert stats.chi2_contingency(table).pvalue > 0.001


def test_analyze_matches_welch_and_chisquare(run, units):
    data = experiment(effect=0.3, seed=1)
    got = run.json(*SCRIPT, "analyze", *units(data))
    t = data.loc[data.arm == "treatment", "spend"]
    c = data.loc[data.arm == "control", "spend"]
    ref = stats.ttest_ind(t, c, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert got["primary"]["difference"] == pytest.approx(t.mean() - c.mean())
    assert got["primary"]["p_value"] == pytest.approx(ref.pvalue, rel=1e-6)
    assert got["primary"]["ci"] == pytest.approx([ci.low, ci.high], rel=1e-6)
    counts = data.arm.value_counts()[["control", "treatment"]].to_numpy()
    assert got["srm"]["p_value"] == pytest.approx(stats.chisquare(counts).pvalue)
    assert got["srm"]["mismatch"] is False


def test_cuped_keeps_the_effect_and_shrinks_the_interval(run, units):
    got = run.json(*SCRIPT, "analyze", *units(experiment(effect=0.25, seed=2)), "--pre", "pre")
    plain, adjusted = got["primary"], got["cuped"]
    width = lambda r: r["ci"][1] - r["ci"][0]  # noqa: E731
    # Correlation 0.8: variance falls by about rho^2 = 0.64, the CI width by about 40%.
    assert adjusted["variance_reduction"] == pytest.approx(0.64, abs=0.05)
    assert width(adjusted) < 0.7 * width(plain)
    assert adjusted["ci"][0] < 0.25 < adjusted["ci"][1]
    assert got["decision"]["call"] == "ship"  # only CUPED makes this effect significant here


def test_cuped_interval_covers_the_true_effect_at_the_nominal_rate():
    """In-process (200 experiments as subprocesses would be slow): the script's own functions."""
    module = load_module()
    hits = 0
    for seed in range(200):
        data = experiment(n=600, effect=0.5, seed=100 + seed)
        adjusted, _ = module.cuped(data, "spend", "pre")
        arm = data["arm"].to_numpy()
        res = module.welch(
            adjusted[arm == "treatment"].to_numpy(), adjusted[arm == "control"].to_numpy(), 0.05
        )
        hits += res["ci"][0] < 0.5 < res["ci"][1]
    assert 0.91 <= hits / 200 <= 0.99


def test_sample_ratio_mismatch_invalidates_the_readout(run, units):
    data = experiment(effect=1.0, seed=3)
    # Lose 15% of treatment units, e.g. a logging bug on the new page (p ~ 1e-6).
    drop = data[(data.arm == "treatment")].sample(frac=0.15, random_state=0).index
    got = run.json(*SCRIPT, "analyze", *units(data.drop(index=drop)))
    assert got["srm"]["mismatch"] is True
    assert got["decision"]["call"] == "invalid"


def test_guardrails_block_a_win_that_hurts_latency(run, units):
    data = experiment(effect=1.0, seed=4)
    slow = data.arm == "treatment"
    data.loc[slow, "latency"] *= 1.05
    base = ["analyze", *units(data)]
    hurt = run.json(*SCRIPT, *base, "--guardrail", "latency:higher:0.02")
    assert hurt["guardrails"][0]["status"] == "fail"
    assert hurt["decision"]["call"] == "no-ship"
    tolerant = run.json(*SCRIPT, *base, "--guardrail", "latency:higher:0.10")
    assert tolerant["guardrails"][0]["status"] == "ok"
    assert tolerant["decision"]["call"] == "ship"


def test_flat_results_are_inconclusive_and_a_loss_is_no_ship(run, tmp_path):
    experiment(n=800, effect=0.0, seed=5).to_csv(tmp_path / "flat.csv", index=False)
    experiment(effect=-1.0, seed=6).to_csv(tmp_path / "loss.csv", index=False)
    base = ["--arm", "arm", "--control", "control", "--metric", "spend"]
    assert run.json(*SCRIPT, "analyze", "flat.csv", *base)["decision"]["call"] == "inconclusive"
    assert run.json(*SCRIPT, "analyze", "loss.csv", *base)["decision"]["call"] == "no-ship"
    lower = run.json(*SCRIPT, "analyze", "loss.csv", *base, "--lower-is-better")
    assert lower["decision"]["call"] == "ship"


def test_sequential_reads_every_look_and_stops_on_a_real_effect(run, units):
    data = experiment(n=6000, effect=0.4, seed=7)
    got = run.json(*SCRIPT, "sequential", *units(data), "--time", "day", "--mde", "0.3")
    looks = got["looks"]
    assert len(looks) == 14
    assert got["stop_at"] is not None
    for look in looks:  # the confidence sequence is always wider than the fixed-n CI
        assert look["confidence_sequence"][0] < look["naive_ci"][0]
        assert look["confidence_sequence"][1] > look["naive_ci"][1]
    p = [look["always_valid_p"] for look in looks]
    assert p == sorted(p, reverse=True)


def test_always_valid_p_controls_false_positives_under_peeking():
    """A/A tests watched at 20 looks: naive peeking rejects far above 5%, mSPRT stays below."""
    module = load_module()
    rng = np.random.default_rng(0)
    sims, looks, per_look = 2000, 20, 100
    t = rng.normal(0, 1, (sims, looks * per_look))
    c = rng.normal(0, 1, (sims, looks * per_look))
    n = per_look * np.arange(1, looks + 1)
    ends = n - 1
    diff = np.cumsum(t, 1)[:, ends] / n - np.cumsum(c, 1)[:, ends] / n
    var = 2 / n
    naive = (np.abs(diff / np.sqrt(var)) > 1.96).any(axis=1).mean()
    seq = np.array(
        [module.msprt(diff[i], var, tau=0.2, alpha=0.05)["p_value"][-1] < 0.05 for i in range(sims)]
    ).mean()
    assert naive > 0.15
    assert seq < 0.05


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--control", "ctrl"], ("control arm",)),
        (["--control", "control", "--guardrail", "latency:up:0.1"], ("direction",)),
        (["--control", "control", "--guardrail", "nope:higher:0.1"], ("nope",)),
    ],
)
def test_bad_input_is_one_clear_line(run, tmp_path, args, words):
    experiment(n=100).to_csv(tmp_path / "units.csv", index=False)
    run.fails(
        *SCRIPT, "analyze", "units.csv", "--arm", "arm", "--metric", "spend", *args, words=words
    )


def test_missing_metric_values_are_refused_not_dropped(run, units):
    data = experiment(n=200)
    data.loc[3, "spend"] = np.nan
    run.fails(*SCRIPT, "analyze", *units(data), words=("missing",))
