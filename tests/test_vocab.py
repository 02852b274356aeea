"""The vocabulary law: its decisions (the optimal vocabulary, a comparison of vocabularies), their
agreement with Tao et al. (2024), and the properties the notebook relies on."""

import json
import warnings

import numpy as np
import pytest

import scalinglaws
from scalinglaws import cli, data, decide, records
from scalinglaws.laws import vocab


def _loss(size, vocab_sizes, characters):
    vocab_sizes = np.atleast_1d(np.asarray(vocab_sizes, dtype=float))
    count = vocab_sizes.size
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        return vocab.predict({"non_vocab_parameters": np.full(count, size), "vocab_size": vocab_sizes,
                              "num_characters": np.full(count, characters)})


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        return function(*args, **kwargs)


# Tao et al. (2024), "Scaling Laws with Vocabulary: Larger Models Deserve Larger Vocabularies":
# the compute-optimal vocabulary of all three of their approaches is 60K-67K at 7B non-vocabulary
# parameters trained on 6.8e11 characters, and 212K-231K at 70B on 7.2e12 characters. We take the
# centres 63K and 220K; for 2.87B and 13B we interpolate both the optimum and the compute-optimal
# characters as power laws in N through those two points (no figure for them is quoted here).
TAO_7B, TAO_70B = (7e9, 63e3, 6.8e11), (70e9, 220e3, 7.2e12)
VOCAB_EXPONENT = np.log(TAO_70B[1] / TAO_7B[1]) / np.log(10.0)  # 0.543
CHARACTER_EXPONENT = np.log(TAO_70B[2] / TAO_7B[2]) / np.log(10.0)  # 1.025


def tao(size):
    """(their optimal vocabulary, their compute-optimal characters) at ``size`` non-vocabulary parameters."""
    ratio = size / TAO_7B[0]
    return TAO_7B[1] * ratio**VOCAB_EXPONENT, TAO_7B[2] * ratio**CHARACTER_EXPONENT


def test_the_interpolation_goes_through_the_published_points():
    for size, vocab_size, characters in (TAO_7B, TAO_70B):
        np.testing.assert_allclose(tao(size), (vocab_size, characters), rtol=1e-12)
    assert VOCAB_EXPONENT == pytest.approx(0.543, abs=1e-3)
    assert CHARACTER_EXPONENT == pytest.approx(1.025, abs=1e-3)


@pytest.mark.parametrize("size", [2.87e9, 7e9, 13e9, 70e9])
def test_optimal_vocabulary_agrees_with_tao_et_al(size):
    theirs, characters = tao(size)
    choice = _quiet(vocab.optimal_vocab, size, characters)
    assert theirs / 1.5 <= choice.answer["vocab_size"] <= theirs * 1.5
    # A sane basin: within 0.01 nats of the optimum means within a factor 10 of it on both sides
    # (v1 called everything from 87K to 1.6e8 tokens equally good at 70B).
    assert choice.answer["basin_low"] >= choice.answer["vocab_size"] / 10
    assert choice.answer["basin_high"] <= choice.answer["vocab_size"] * 10


def test_the_optimal_vocabulary_grows_with_size_along_tao_et_als_budgets():
    optima = [_quiet(vocab.optimal_vocab, size, tao(size)[1]).answer["vocab_size"] for size in (2.87e9, 7e9, 13e9, 70e9)]
    assert np.all(np.diff(optima) > 0)
    # v1 recommended 184K at 7B and 1.0M at 70B: 2.9 and 4.6 times Tao et al.'s figures.
    assert optima[1] < 100e3 and optima[3] < 330e3


def test_the_basin_at_llama_2_7b_data_stays_sane():
    # Llama-2-7B: about 2T tokens, some 8e12 characters, far beyond compute-optimal. v1 reported a
    # basin reaching 5e8 tokens there.
    choice = _quiet(vocab.optimal_vocab, 6.5e9, 8e12)
    assert choice.answer["basin_high"] < 5e6
    assert choice.answer["vocab_size"] > _quiet(vocab.optimal_vocab, 6.5e9, 6.8e11).answer["vocab_size"]


def test_the_protocol_excluded_v1_for_its_decision():
    excluded = vocab.LAW.record.validation["excluded"]
    v1 = [reason for name, reason in excluded.items() if name.startswith("v1")]
    assert v1 and "Tao et al." in v1[0]


def test_optimum_is_the_minimum_of_the_law():
    choice = vocab.optimal_vocab(3.16e8, 3.5e10)
    assert not choice.warnings
    best = choice.answer["vocab_size"]
    grid = np.geomspace(best / 3, best * 3, 2001)
    losses = _loss(3.16e8, grid, 3.5e10)
    assert abs(np.log(grid[np.argmin(losses)] / best)) < 0.002
    assert choice.answer["unigram_normalized_loss"] == pytest.approx(losses.min(), abs=1e-9)
    assert choice.answer["cost_of_half"] > 0 and choice.answer["cost_of_double"] > 0


def test_the_basin_is_where_the_loss_is_within_tolerance():
    choice = vocab.optimal_vocab(6.3e8, 8e10, tolerance=0.02).answer
    assert choice["basin_low"] < choice["vocab_size"] < choice["basin_high"]
    edges = _loss(6.3e8, [choice["basin_low"], choice["basin_high"]], 8e10)
    np.testing.assert_allclose(edges, choice["unigram_normalized_loss"] + 0.02, atol=1e-8)
    narrower = vocab.optimal_vocab(6.3e8, 8e10, tolerance=0.005).answer
    assert choice["basin_low"] < narrower["basin_low"] and narrower["basin_high"] < choice["basin_high"]


def test_the_optimum_in_the_data_range_is_sane():
    # The study's 316M model at the end of its 4K run: the data's best trained vocabulary is 24576.
    choice = vocab.optimal_vocab(3.16e8, 3.53e10)
    assert 15000 < choice.answer["vocab_size"] < 35000
    assert -5.0 < choice.answer["unigram_normalized_loss"] < -4.7
    low, high = choice.interval["vocab_size"]
    assert low < choice.answer["vocab_size"] < high and choice.level == 0.8


def test_larger_budgets_want_larger_vocabularies():
    small = vocab.optimal_vocab(8.5e7, 1e10).answer["vocab_size"]
    large = vocab.optimal_vocab(1.1e9, 1.6e11).answer["vocab_size"]
    assert large > 3 * small
    # More data at a fixed model size alone also raises the optimum.
    assert vocab.optimal_vocab(3e8, 6e10).answer["vocab_size"] > vocab.optimal_vocab(3e8, 3e10).answer["vocab_size"]


def test_result_is_plain_json():
    choice = vocab.optimal_vocab(1e8, 1e10).to_dict()
    assert json.loads(json.dumps(choice)) == choice
    assert {"vocab_size", "vocab_size_interval", "unigram_normalized_loss", "basin_low", "basin_high",
            "units", "warnings"} <= set(choice)
    assert choice["units"]["vocab_size"] == "tokens"


def test_extrapolation_is_reported():
    with pytest.warns(decide.ExtrapolationWarning) as caught:
        choice = vocab.optimal_vocab(7e10, 1e12)
    named = [str(w.message).split(" = ")[0] for w in caught]
    # Both inputs, and the optimum itself (beyond 64K), are outside the training range.
    assert named == ["non_vocab_parameters", "num_characters", "vocab_size"]
    assert choice.warnings == [str(w.message) for w in caught]


def test_inside_the_range_nothing_is_warned():
    with warnings.catch_warnings():
        warnings.simplefilter("error", decide.ExtrapolationWarning)
        assert vocab.optimal_vocab(1.5e8, 1.6e10).warnings == []


@pytest.mark.parametrize(
    "args, name",
    [((0, 1e10), "non_vocab_parameters"), ((1e9, -1.0), "num_characters"), ((1e9, "many"), "num_characters"),
     ((float("nan"), 1e10), "non_vocab_parameters"), ((True, 1e10), "non_vocab_parameters")],
)
def test_impossible_requests_are_refused(args, name):
    with pytest.raises(data.InputError, match=name):
        vocab.optimal_vocab(*args)
    with pytest.raises(data.InputError, match=name):
        vocab.compare_vocabs(*args, [32000, 64000])


def test_bad_tolerance_is_refused():
    with pytest.raises(data.InputError, match="tolerance"):
        vocab.optimal_vocab(1e8, 1e10, tolerance=0)
    with pytest.raises(data.InputError, match="tolerance"):
        vocab.optimal_vocab(1e8, 1e10, tolerance="small")
    with pytest.raises(data.InputError, match="tolerance"):
        vocab.optimal_vocab(1e8, 1e10, tolerance=50.0)  # more than the whole gain over a unigram model


@pytest.mark.parametrize("sizes", ["many", [32000], [32000, -5], [32000, "large"], 32000])
def test_bad_vocabulary_lists_are_refused(sizes):
    with pytest.raises(data.InputError, match="vocab_sizes"):
        vocab.compare_vocabs(1e8, 1e10, sizes)


def test_unknown_group_lists_the_groups():
    with pytest.raises(data.InputError, match="all_data"):
        vocab.optimal_vocab(1e8, 1e10, group="pile")


def test_constants_without_a_vocabulary_optimum_are_refused():
    constants = list(vocab.PARAMS["all_data"])
    constants[vocab.PARAM_NAMES.index("D")] = 0.0
    with pytest.raises(data.InputError, match="params"):
        vocab.optimal_vocab(1e8, 1e10, constants=constants)


def test_compare_vocabs_picks_the_lowest_loss():
    best = vocab.optimal_vocab(3.16e8, 3.5e10).answer["vocab_size"]
    result = _quiet(vocab.compare_vocabs, 3.16e8, 3.5e10, [best / 4, best, best * 4])
    assert result.answer["best"] == f"{best:g}"
    losses = result.answer["unigram_normalized_loss"]
    np.testing.assert_allclose(losses, _loss(3.16e8, [best / 4, best, best * 4], 3.5e10), rtol=1e-12)
    assert result.answer["loss_over_best"][1] == 0 and min(result.answer["loss_over_best"]) == 0
    assert 0 < result.probability["best"] <= 1
    assert len(result.interval["unigram_normalized_loss"][0]) == 3


def test_compare_vocabs_warns_beyond_the_trained_vocabularies():
    with pytest.warns(decide.ExtrapolationWarning, match="vocab_size"):
        result = vocab.compare_vocabs(7e8, 8e10, [32000, 256000])
    assert result.answer["best"] == "32000"


def test_a_vocabulary_too_large_for_its_data_costs_more_and_more():
    # Past the trained vocabularies (and past this model's optimum, about 40K) the law neither blows
    # up nor keeps improving: each entry of a larger vocabulary sees less data, and the loss rises,
    # slowly near the optimum (v1 called this range flat, and recommended 69K here).
    losses = _loss(1.1e9, np.geomspace(64512, 1e6, 20), 1.6e11)
    assert np.all(np.isfinite(losses)) and np.all(losses < 0)
    assert np.all(np.diff(losses) > 0)
    assert losses[1] - losses[0] < 0.01 and 0.1 < losses[-1] - losses[0] < 0.5


def test_loss_falls_with_data():
    characters = np.geomspace(2e8, 1e12, 30)
    losses = _quiet(vocab.predict, {"non_vocab_parameters": np.full(30, 3e8), "vocab_size": np.full(30, 32768.0),
                                    "num_characters": characters})
    assert np.all(np.diff(losses) < 0)


@pytest.fixture(scope="module")
def own_record(tmp_path_factory):
    """A record of the law fitted to three model sizes with a small bootstrap, written and read back."""
    table = data.load("vocab")
    runs = table[table.non_vocab_parameters.isin(np.sort(table.non_vocab_parameters.unique())[1:4])]
    fitted = scalinglaws.fit("vocab", runs, bootstrap=4, seed=0)
    path = fitted.save(tmp_path_factory.mktemp("own") / "vocab.json")
    return fitted, path


def test_decisions_answer_from_a_record_of_ones_own_fit(own_record):
    fitted, path = own_record
    record = records.read(path)
    from_file = _quiet(vocab.optimal_vocab, 2e8, 2e10, constants=record)
    direct = _quiet(fitted.decide, "optimal_vocab", 2e8, 2e10)
    assert from_file.answer["vocab_size"] == pytest.approx(direct.answer["vocab_size"], rel=1e-12)
    assert from_file.interval["vocab_size"]  # the record carries its bootstrap
    stored = vocab.optimal_vocab(2e8, 2e10)
    assert from_file.answer["vocab_size"] != pytest.approx(stored.answer["vocab_size"], rel=1e-6)
    compared = _quiet(vocab.compare_vocabs, 2e8, 2e10, [8192, 32768], constants=record)
    assert compared.answer["best"] in ("8192", "32768")


def _run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_reaches_each_decision(capsys, own_record):
    code, out, err = _run(capsys, "optimize", "vocab", "--non-vocab-parameters", "7e9",
                          "--num-characters", "6.8e11", "--json")
    result = json.loads(out)
    assert code == 0 and {"vocab_size", "vocab_size_interval", "basin_low", "basin_high", "warnings"} <= set(result)
    assert result["vocab_size"] == pytest.approx(_quiet(vocab.optimal_vocab, 7e9, 6.8e11).answer["vocab_size"], rel=1e-12)
    assert "non_vocab_parameters = 7e+09 is outside the training range" in err
    code, out, _ = _run(capsys, "optimize", "vocab", "optimal_vocab", "--non-vocab-parameters", "3e8",
                        "--num-characters", "3e10", "--tolerance", "0.02", "--json")
    assert code == 0 and json.loads(out)["tolerance"] == 0.02
    code, out, _ = _run(capsys, "optimize", "vocab", "compare_vocabs", "--non-vocab-parameters", "3e8",
                        "--num-characters", "3e10", "--vocab-sizes", "8192", "32768", "--json")
    result = json.loads(out)
    assert code == 0 and {"vocab_sizes", "unigram_normalized_loss", "best", "best_probability"} <= set(result)
    _, path = own_record
    code, out, _ = _run(capsys, "optimize", "vocab", "--non-vocab-parameters", "2e8", "--num-characters", "2e10",
                        "--constants", str(path), "--json")
    expected = _quiet(vocab.optimal_vocab, 2e8, 2e10, constants=records.read(path)).answer["vocab_size"]
    assert code == 0 and json.loads(out)["vocab_size"] == pytest.approx(expected, rel=1e-12)


def test_cli_bad_arguments_are_one_line(capsys):
    code, out, err = _run(capsys, "optimize", "vocab", "--non-vocab-parameters", "-1", "--num-characters", "3e10")
    assert code == 2 and out == "" and "non_vocab_parameters" in err and err.count("\n") == 1
    code, out, err = _run(capsys, "optimize", "vocab", "compare_vocabs", "--non-vocab-parameters", "3e8",
                          "--num-characters", "3e10", "--vocab-sizes", "8192")
    assert code == 2 and "vocab_sizes" in err and err.count("\n") == 1


# ---------------------------------------------------------------- the pool of forms


def test_the_law_is_the_rare_token_form_of_the_pool():
    assert vocab.LAW.candidate("rare-tokens").predict is vocab.formula
    assert vocab.LAW.record.forms["rare-tokens"].role == "law"
    assert vocab.LAW.record.forms["rare-one-size"].role == "survivor"
    assert [c.key for c in vocab.LAW.candidates] == [
        "tao", "leaderboard", "chinchilla", "harmonic", "v1", "tokens", "free-limit", "additive", "rare-tokens",
        "rare-tokens-in-tokens", "rare-one-size"]


@pytest.mark.parametrize("key", ["v1", "leaderboard", "rare-one-size"])
def test_a_stored_form_predicts_with_its_own_constants(key):
    record = vocab.LAW.record
    X = {"non_vocab_parameters": np.full(4, 3.16e8), "vocab_size": [4096, 16384, 32768, 64512],
         "num_characters": np.full(4, 3e10)}
    expected = vocab.LAW.candidate(key).predict(X, record.forms[key].params["all_data"])
    np.testing.assert_allclose(vocab.LAW.predict(X, form=key), expected, rtol=1e-12)


def _decide_with(key, name, *args, constants=None):
    """A decision answered by another form of the pool (its stored constants by default)."""
    view = vocab.LAW.form_view(key)
    decision = view.decisions[name]
    names = [p.name for p in decision.arguments]
    arguments = {p.name: p.default for p in decision.arguments if p.default is not p.empty}
    arguments.update(dict(zip(names, args)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        return view._decide(decision, arguments, vocab.LAW.form_record(key) if constants is None else constants,
                            "all_data")


def test_the_optimum_of_another_form_is_found_numerically():
    # rare-one-size survived the backtests: its optimum, found numerically, is the minimum of its
    # predictions, its basin's ends are where the loss is `tolerance` above it, and its refits give
    # an interval.
    result = _decide_with("rare-one-size", "optimal_vocab", 3.16e8, 3.5e10)
    answer = result.answer
    constants = vocab.LAW.record.forms["rare-one-size"].params["all_data"]
    predict = vocab.LAW.candidate("rare-one-size").predict

    def loss(vocab_sizes):
        vocab_sizes = np.asarray(vocab_sizes, dtype=float)
        return predict({"non_vocab_parameters": np.full(vocab_sizes.shape, 3.16e8), "vocab_size": vocab_sizes,
                        "num_characters": np.full(vocab_sizes.shape, 3.5e10)}, constants)

    grid = np.geomspace(answer["vocab_size"] / 3, answer["vocab_size"] * 3, 4001)
    assert abs(np.log(grid[np.argmin(loss(grid))] / answer["vocab_size"])) < 0.002
    assert answer["unigram_normalized_loss"] == pytest.approx(loss(grid).min(), abs=1e-9)
    np.testing.assert_allclose(loss([answer["basin_low"], answer["basin_high"]]),
                               answer["unigram_normalized_loss"] + 0.01, atol=1e-8)
    assert answer["cost_of_half"] > 0 and answer["cost_of_double"] > 0 and "basin_open" not in answer
    low, high = result.interval["vocab_size"]
    assert low < answer["vocab_size"] < high


def test_the_numerical_path_agrees_with_the_closed_form_on_the_laws_own_form():
    closed = vocab.optimal_vocab(3.16e8, 3.5e10).answer
    # The same form through a wrapper: not the law's own function, so it is solved numerically.
    own = vocab.LAW.candidate("rare-tokens")
    twin = vocab.Law(vocab.TASK, vocab.FORM, vocab.PARAM_NAMES, lambda X, p: own.predict(X, p), own.fit)
    twin.decisions = vocab.LAW.decisions
    decision = twin.decisions["optimal_vocab"]
    numerical = twin._decide(decision, {"non_vocab_parameters": 3.16e8, "num_characters": 3.5e10, "tolerance": 0.01},
                             vocab.PARAMS["all_data"], None).answer
    for key in ("vocab_size", "basin_low", "basin_high"):
        assert numerical[key] == pytest.approx(closed[key], rel=1e-6), key
    assert numerical["unigram_normalized_loss"] == pytest.approx(closed["unigram_normalized_loss"], abs=1e-12)
    for key in ("cost_of_half", "cost_of_double"):  # first order in where the optimum is found
        assert numerical[key] == pytest.approx(closed[key], abs=1e-7), key


def test_a_form_without_a_vocabulary_optimum_says_so():
    with pytest.raises(data.InputError, match="no optimal vocabulary"):
        _decide_with("chinchilla", "optimal_vocab", 3.16e8, 3.5e10)
    compared = _decide_with("v1", "compare_vocabs", 3.16e8, 3.5e10, [8192, 32768])
    assert compared.answer["best"] in ("8192", "32768")


def test_an_open_basin_is_not_reported_as_an_end():
    # v1 calls nearly every vocabulary above its optimum equally good at Llama-2-7B's data.
    result = _decide_with("v1", "optimal_vocab", 6.5e9, 8e12, 0.05)
    answer = result.answer
    if "basin_high" not in answer:
        assert "1e+10 tokens, the end of the search" in answer["basin_open"]
    else:
        assert answer["basin_high"] < 1e10
