"""The domain-mixture law: its shape, its shared constants, and the best-mixture decision."""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scalinglaws
from scalinglaws import cli, data, decide, records
from scalinglaws.laws import domain_mixture as dm

TASK = data.task("domain_mixture")
SHARES, LOSSES = TASK.input_names, TASK.target_names
TABLE = data.load("domain_mixture")
BOX = TABLE[SHARES].max().to_numpy()
SIZES = ["70M", "160M", "305M", "410M"]


def _quiet(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        return dm.optimal_mixture(*args, **kwargs)


def _mixtures(n, seed, upper=None):
    """Random mixtures on the simplex (within ``upper`` if given)."""
    p = np.random.default_rng(seed).dirichlet(np.full(5, 0.8), n)
    return p if upper is None else p[np.all(p <= upper, axis=1)]


def _columns(p):
    return {name: p[:, j] for j, name in enumerate(SHARES)}


def _objective(p, constants, weights):
    return dm.formula(_columns(p), constants) @ weights


def test_names_and_shared_constants():
    assert len(dm.PARAM_NAMES) == 35 == TASK.max_constants_per_group
    assert dm.PARAM_NAMES[:15] == ([f"c_{i}" for i in range(1, 6)] + [f"W_{i}" for i in range(1, 6)]
                                   + [f"a_{i}" for i in range(1, 6)])
    assert dm.PARAM_NAMES[15:19] == ["u_1_2", "u_1_3", "u_1_4", "u_1_5"]
    constants = np.array([dm.PARAMS[g] for g in SIZES])
    assert np.all(constants[:, 10:] == constants[0, 10:])  # a_i and u_ij repeated in every size
    # Diminishing returns of each domain's own share: W_i < 0 and 0 < a_i < 1.
    assert np.all(constants[:, 5:10] < 0) and np.all((constants[0, 10:15] > 0) & (constants[0, 10:15] < 1))


def test_predict_shape_and_monotone_in_own_share_inside_the_box():
    for i in range(5):
        grid = np.linspace(0, BOX[i], 41)
        ray = np.tile(((1 - grid) / 4)[:, None], (1, 5))
        ray[:, i] = grid
        inside = np.all(ray <= BOX + 1e-12, axis=1)
        losses = dm.predict(_columns(ray[inside]), group="410M")
        assert losses.shape == (inside.sum(), 5) and np.all(np.isfinite(losses))
        assert np.all(np.diff(losses[:, i]) < 0)


def test_larger_models_predict_lower_losses_inside_the_box():
    p = _mixtures(2000, seed=0, upper=BOX)
    losses = np.stack([dm.predict(_columns(p), group=g) for g in SIZES])
    assert np.all(np.diff(losses, axis=0) < 0)


def test_outside_the_box_warns():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", decide.ExtrapolationWarning)
        dm.law([{name: 0.2 for name in SHARES}], "410M")
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2 and "proportion_domain_2 = 0.2" in messages[0] and "proportion_domain_3" in messages[1]


def test_evaluator_fits_one_size_with_its_own_exponents():
    rows = TABLE[TABLE.group == "160M"]
    constants = dm.fit_scaling_law(rows[SHARES].to_numpy(), rows[LOSSES].to_numpy())
    assert len(constants) == 35
    prediction = dm.scaling_law_func(rows[SHARES].to_numpy(), constants)
    assert prediction.shape == (20, 5)
    assert np.sqrt(np.mean((prediction - rows[LOSSES].to_numpy()) ** 2)) < 0.02
    # One size alone, with its own transfer terms, cannot pin the exponent of domain 2 (three
    # levels of its share): it is set to 1/2, not left to rounding.
    assert constants[dm.PARAM_NAMES.index("a_2")] == 0.5


def test_refits_agree_in_prediction_near_the_singular_exponents():
    """Near a_i = 1 (and a_i = 0 without a zero share) the constants blow up, but what they
    predict does not: a refit from another start predicts the same, at new mixtures too."""
    p = _mixtures(500, seed=7, upper=BOX)
    for rows in (TABLE, TABLE[TABLE.proportion_domain_5 > 0]):
        first = dm.fit_constants(rows)
        again = dm.fit_constants(rows, start={g: np.array(v) * (1 + 1e-3) for g, v in first.items()})
        for g in first:
            np.testing.assert_allclose(dm.formula(_columns(p), again[g]), dm.formula(_columns(p), first[g]), rtol=1e-7)


@pytest.mark.parametrize("group", SIZES)
def test_optimum_in_the_box_beats_every_training_mixture_by_the_law(group):
    """The decision's check: inside the training range, the law's optimum is better, by the law,
    than every mixture that was trained, and than the best measured one (mean loss, in nats)."""
    measured_best = {"70M": 2.9626, "160M": 2.6665, "305M": 2.5177, "410M": 2.4534}  # 1/4, 3/16, 1/16, 1/8, 3/8
    runs = TABLE[TABLE.group == group]
    assert runs[LOSSES].mean(axis=1).min() == pytest.approx(measured_best[group], abs=5e-5)
    choice = dm.optimal_mixture(group=group)
    law_at_training = dm.formula(runs, dm.PARAMS[group]).mean(axis=1)
    assert choice.answer["weighted_loss"] < law_at_training.min() - 0.005
    assert choice.answer["weighted_loss"] < measured_best[group]


@pytest.mark.parametrize("group", ["70M", "410M"])
def test_optimum_in_the_box_beats_every_mixture_in_the_box(group):
    choice = dm.optimal_mixture(group=group)
    p = np.array(choice.answer["shares"])
    assert abs(p.sum() - 1) < 1e-12 and np.all(p >= 0) and np.all(p <= BOX + 1e-12)
    assert list(choice.answer["mixture"].values()) == choice.answer["shares"]
    assert choice.answer["weighted_loss"] == pytest.approx(np.mean(list(choice.answer["losses"].values())), abs=1e-12)
    cloud = _mixtures(100_000, seed=1, upper=BOX)
    assert choice.answer["weighted_loss"] <= _objective(cloud, dm.PARAMS[group], np.full(5, 0.2)).min() + 1e-9
    assert choice.answer["held_at_training_maximum"] == ["proportion_domain_3"]
    json.dumps(choice.to_dict())  # plain JSON-able values


def test_default_call_keeps_its_keys_and_says_plainly_what_extrapolates():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the mixture returned is inside the box: no warning
        choice = dm.optimal_mixture(group="410M")
    body = choice.to_dict()
    assert {"weighted_loss", "uniform_weighted_loss", "mixture", "losses"} <= set(body)
    assert choice.warnings == []
    # The uniform mixture is outside the training box (0.2 > 3/16 and 3/32): flagged, and said.
    assert body["uniform_outside_training_range"] is True
    uniform_note, held_note = body["notes"]
    assert "uniform mixture" in uniform_note and "outside the training range" in uniform_note
    assert "proportion_domain_2 = 0.2 > 0.1875" in uniform_note and "proportion_domain_3 = 0.2 > 0.09375" in uniform_note
    assert "extrapolated" in uniform_note
    # What the law would do without the limit is stated precisely, as a note, not as a warning.
    free = _quiet(within_training_range=False, group="410M").answer["mixture"]["proportion_domain_3"]
    assert held_note.startswith("proportion_domain_3 is held at its largest training share 0.09375")
    assert f"{free:.4g}" in held_note
    for key in ("weighted_loss", "uniform_weighted_loss", "shares"):
        assert f"{key}_interval" in body
    low, high = body["weighted_loss_interval"]
    assert low <= body["weighted_loss"] <= high


def test_uniform_inside_the_training_range_is_not_flagged():
    uniform = pd.DataFrame([{"group": g, **{s: 0.2 for s in SHARES}, **{t: 3.0 for t in LOSSES}} for g in SIZES])
    wider = dm.LAW.make_record(dm.PARAMS, pd.concat([TABLE, uniform], ignore_index=True), source="test")
    choice = dm.optimal_mixture(constants=wider, group="410M")
    assert choice.answer["uniform_outside_training_range"] is False
    assert not any("uniform" in note for note in choice.answer["notes"])


def test_optimum_on_the_whole_simplex_extrapolates_and_says_so():
    with pytest.warns(decide.ExtrapolationWarning, match="proportion_domain_3"):
        choice = dm.optimal_mixture(within_training_range=False, group="410M")
    assert any("proportion_domain_3" in note and "outside the training range" in note for note in choice.warnings)
    assert choice.answer["held_at_training_maximum"] == []
    cloud = _mixtures(100_000, seed=2)
    assert choice.answer["weighted_loss"] <= _objective(cloud, dm.PARAMS["410M"], np.full(5, 0.2)).min() + 1e-9
    assert choice.answer["weighted_loss"] < _quiet(group="410M").answer["weighted_loss"]


@pytest.mark.parametrize("weights", [[0, 0, 1, 0, 0], [3, 1, 0, 0, 1], [1, 2, 3, 4, 5]])
def test_weighted_optima_beat_random_mixtures(weights):
    w = np.asarray(weights, dtype=float) / sum(weights)
    for within, upper, seed in [(True, BOX, 3), (False, None, 4)]:
        choice = _quiet(weights=weights, within_training_range=within, constants=dm.PARAMS["305M"])
        p = np.array(choice.answer["shares"])
        assert abs(p.sum() - 1) < 1e-12 and np.all(p >= 0)
        assert choice.answer["weights"] == pytest.approx(list(w))
        cloud = _mixtures(100_000, seed=seed, upper=upper)
        assert choice.answer["weighted_loss"] <= _objective(cloud, dm.PARAMS["305M"], w).min() + 1e-9


@pytest.mark.parametrize("a_2", [1.0, 2.5])
def test_optimum_when_a_term_is_not_convex(a_2):
    """A bootstrap refit can put a_2 at or above 1 (domain 2's loss is nearly linear in its share):
    the optimum is still found."""
    constants = np.array(dm.PARAMS["410M"])
    constants[dm.PARAM_NAMES.index("a_2")] = a_2
    for within, upper, seed in [(True, BOX, 5), (False, None, 6)]:
        choice = _quiet(within_training_range=within, constants=constants)
        cloud = _mixtures(100_000, seed=seed, upper=upper)
        assert choice.answer["weighted_loss"] <= _objective(cloud, constants, np.full(5, 0.2)).min() + 1e-9


def test_weights_only_scale():
    assert _quiet(weights=[2, 2, 2, 2, 2], group="70M").answer["mixture"] == _quiet(group="70M").answer["mixture"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"weights": [0, 0, 0, 0, 0]}, "sum to a positive number"),
        ({"weights": [1, -1, 1, 1, 1]}, r"weights\[1\] \(domain 2\)"),
        ({"weights": [1, 1, 1, 1]}, "weights: expected five numbers"),
        ({"weights": [1, 1, float("nan"), 1, 1]}, r"weights\[2\]"),
        ({"weights": [1, 1, "much", 1, 1]}, "expected a number"),
        ({"weights": "equal"}, "weights: expected five numbers"),
        ({"within_training_range": "yes"}, "within_training_range"),
        ({"within_training_range": 2}, "within_training_range"),
        ({"budget": 3}, "budget"),
    ],
)
def test_impossible_requests_are_refused(kwargs, message):
    with pytest.raises(data.InputError, match=message):
        dm.optimal_mixture(group="410M", **kwargs)


def test_unknown_or_missing_group_lists_the_sizes():
    with pytest.raises(data.InputError, match="70M, 160M, 305M, 410M"):
        dm.optimal_mixture(group="1B")
    with pytest.raises(data.InputError, match="name a group"):
        dm.optimal_mixture()


def test_decision_answers_from_a_record_of_ones_own_fit(tmp_path):
    """Constants fitted to three sizes, saved, read back: the decision uses them and their ranges."""
    own = scalinglaws.fit("domain_mixture", TABLE[TABLE.group != "410M"], bootstrap=5, seed=0)
    path = own.save(tmp_path / "three_sizes.json")
    record = records.read(path)
    choice = dm.optimal_mixture(constants=record, group="160M")
    stored = dm.optimal_mixture(group="160M")
    assert set(record.params) == {"70M", "160M", "305M"}
    assert choice.answer["weighted_loss"] == pytest.approx(stored.answer["weighted_loss"], abs=0.01)
    assert choice.answer["held_at_training_maximum"] == ["proportion_domain_3"]
    assert "weighted_loss" in choice.interval
    with pytest.raises(data.InputError, match="410M"):
        dm.optimal_mixture(constants=record, group="410M")


def test_cli_reaches_the_decision(tmp_path, capsys):
    assert cli.main(["optimize", "domain_mixture", "--group", "410M", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert {"weighted_loss", "uniform_weighted_loss", "mixture", "losses", "uniform_outside_training_range",
            "notes", "weighted_loss_interval"} <= set(body)
    assert cli.main(["optimize", "domain_mixture", "optimal_mixture", "--group", "305M", "--weights", "0", "0", "1",
                     "0", "0", "--no-within-training-range", "--json"]) == 0
    out = capsys.readouterr()
    body = json.loads(out.out)
    assert body["weights"] == [0.0, 0.0, 1.0, 0.0, 0.0] and body["within_training_range"] is False
    assert "proportion_domain_3" in out.err  # the extrapolation is printed as a warning
    own = scalinglaws.fit("domain_mixture", TABLE[TABLE.group != "410M"], bootstrap=0)
    path = own.save(tmp_path / "own.json")
    assert cli.main(["optimize", "domain_mixture", "--group", "70M", "--constants", str(path), "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["group"] == "70M" and "weighted_loss_interval" not in body  # no bootstrap in that file


# ---------------------------------------------------------------- the pool of forms and the protocol

SEED_PROGRAM = Path(__file__).parent / "data" / "seeds" / "domain_mixture_seed.py"


def test_the_seed_law_with_its_published_constants_reproduces_the_seed_program():
    namespace = {}
    exec(compile(SEED_PROGRAM.read_text(), str(SEED_PROGRAM), "exec"), namespace)
    points = TABLE[SHARES].drop_duplicates().to_dict("records")
    points += [dict(zip(SHARES, p)) for p in _mixtures(50, seed=8)]  # new mixtures, some outside the box
    seed = dm.LAW.candidate("seed")
    assert seed.kind == "published" and seed.param_names == dm.SEED_NAMES
    for group in SIZES:
        theirs = np.array([[row[t] for t in LOSSES] for row in namespace["law"](points, group)])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", decide.ExtrapolationWarning)
            ours = dm.LAW.predict(points, form="seed", published=True, group=group)
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=0)
    # As printed: L_inf, a and b of domain 1 at 70M lead the vector.
    assert seed.published_constants("70M")[0::5][:3] == [3.414908, 0.919426, 0.242859]


def test_the_seed_form_refitted_is_the_own_share_only_law():
    """The seed's form is fitted as c_i + W_i p_i^a_i per domain and size: L_inf = c, a = -W."""
    stored = dm.LAW.record.forms["seed"].params["410M"]
    as_own_share = [*stored[0:5], *(-np.asarray(stored[5:10])), *stored[10:15], *[0.0] * 20]
    p = _mixtures(200, seed=9)
    np.testing.assert_allclose(dm.seed_law(_columns(p), stored), dm.formula(_columns(p), as_own_share), rtol=1e-12)


@pytest.mark.parametrize("key", ["seed", "ye", "leaderboard", "linear"])
def test_a_stored_form_predicts_with_its_own_constants(key):
    record = dm.LAW.record
    assert key in record.forms and record.forms[key].param_names == list(dm.LAW.candidate(key).param_names)
    p = _mixtures(20, seed=10, upper=BOX)
    expected = dm.LAW.candidate(key).predict(_columns(p), record.forms[key].params["305M"])
    np.testing.assert_allclose(dm.predict(_columns(p), form=key, group="305M"), expected, rtol=1e-12)
    with pytest.raises(data.InputError, match="no form"):
        dm.predict(_columns(p), form="no-such-form", group="305M")


def test_the_protocol_reproduces_the_notebooks_backtests_and_choice():
    """The law's rules, run on the packaged table: 5 folds over mixtures (seed 0), the 60
    mixtures between training mixtures at every size, and the stored choice."""
    folds = dm.mixture_folds(TABLE, {})
    assert [b.origin for b in folds] == [f"fold {i} of 5" for i in range(1, 6)]
    assert all(len(b.held) == 16 and b.held[SHARES].drop_duplicates().shape[0] == 4 for b in folds)
    held = pd.concat([b.held for b in folds])
    assert sorted(held.index) == sorted(TABLE.index)  # every run held out once, whole mixtures at once
    target = dm.between_mixtures(TABLE, {})
    assert len(target) == 240 and list(target.group.unique()) == SIZES
    assert np.allclose(target[SHARES].sum(axis=1), 1.0)
    validation = dm.LAW.record.validation
    assert validation["chosen"] == "a_i and u_ij shared by sizes" and validation["excluded"] == {}
    assert sorted(validation["survivors"][1:]) == sorted([
        "one a, u_ij per size", "a_i shared by sizes, u_ij per size",
        "leaderboard: b_i + w_i p_i^e_i + sum_j W_ij p_j"])
    assert validation["validation_r2"] == pytest.approx(0.9973, abs=1e-4)
    roles = {k: f.role for k, f in dm.LAW.record.forms.items()}
    assert roles["a-u-shared"] == "law" and roles["leaderboard"] == "survivor" and roles["seed"] == "candidate"
    assert dm.LAW.record.uncertainty.reach == {} and dm.LAW.record.uncertainty.validated_distance == 1.0


def test_a_new_mixture_is_at_the_validated_distance_everywhere():
    """No extrapolation axis: every point is at distance 1, and intervals do not grow beyond the box."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        band = dm.predict(_columns(np.array([[0.2] * 5, [0.05, 0.05, 0.8, 0.05, 0.05]])), interval=0.9, group="410M")
    assert list(band.reach_factor) == [1.0, 1.0] and not band.beyond_reach.any()


def _decide_with(key, constants, group="410M", **arguments):
    """optimal_mixture answered by one form of the pool (a view of the law with that form)."""
    return dm.LAW.form_view(key).decide("optimal_mixture", constants=constants, group=group, **arguments)


@pytest.mark.parametrize("group", ["70M", "410M"])
@pytest.mark.parametrize("weights", [[1, 1, 1, 1, 1], [0, 0, 1, 0, 0], [1, 2, 3, 4, 5]])
def test_the_numerical_path_finds_the_exact_optimum_of_the_law(group, weights):
    w = np.asarray(weights, dtype=float) / sum(weights)
    constants = np.asarray(dm.PARAMS[group])
    _, W, a, transfer = dm._unpack(constants)
    for upper in (BOX, np.ones(5)):
        exact = dm._optimal_shares(w * W, transfer.T @ w, a, upper)
        found = dm._optimal_numerically(lambda P: _objective(P, constants, w), upper)
        assert abs(found.sum() - 1) < 1e-12 and np.all(found >= 0) and np.all(found <= upper + 1e-12)
        assert _objective(found[None], constants, w)[0] <= _objective(exact[None], constants, w)[0] + 1e-10
        np.testing.assert_allclose(found, exact, atol=1e-5)


@pytest.mark.parametrize("key", ["ye", "seed", "every-power"])
def test_another_form_of_the_pool_answers_the_decision_numerically(key):
    record = dm.LAW.form_record(key)
    constants = record.params["410M"]
    result = _decide_with(key, record)
    answer = result.answer
    p = np.array(answer["shares"])
    assert abs(p.sum() - 1) < 1e-9 and np.all(p >= 0) and np.all(p <= BOX + 1e-12)
    assert "proportion_domain_3" in answer["held_at_training_maximum"]  # as the law holds it
    predict = dm.LAW.candidate(key).predict
    assert answer["weighted_loss"] == pytest.approx(float(predict(_columns(p[None]), constants).mean()), abs=1e-12)
    cloud = _mixtures(100_000, seed=11, upper=BOX)
    assert answer["weighted_loss"] <= predict(_columns(cloud), constants).mean(axis=1).min() + 1e-9
    assert answer["uniform_outside_training_range"] is True and not result.warnings


def test_the_published_seed_constants_answer_the_decision():
    seed = dm.LAW.form_view("seed")
    printed = seed.make_record(dm.SEED_PUBLISHED["SLDBench seed (claude-code, Claude Sonnet 4.5)"], TABLE,
                               source="test")
    with pytest.warns(decide.ExtrapolationWarning, match="outside the training range"):
        answer = _decide_with("seed", printed, within_training_range=False).answer
    assert answer["held_at_training_maximum"] == [] and answer["within_training_range"] is False
    constants = printed.params["410M"]
    cloud = _mixtures(100_000, seed=12)
    assert answer["weighted_loss"] <= dm.seed_law(_columns(cloud), constants).mean(axis=1).min() + 1e-9
