"""The tasks: their schema, where their tables live, and how to load them.

The eight tasks of SLDBench and Chinchilla's compute-optimal runs. Every law module, the
command line and the notebooks learn a task's columns from here, so a column is named in
exactly one place. The training tables ship inside the package (``scalinglaws/datasets``),
so `load` works after a plain install, from any working directory. Input
validation for the law modules lives here too: a law checks its input against the
schema once, at the boundary, and every error names the column (and the row) at fault.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np

if TYPE_CHECKING:  # pandas is imported where a table is read, not to predict one point
    import pandas as pd

__all__ = [
    "Column",
    "DataNotFoundError",
    "FitError",
    "InputError",
    "Source",
    "TASKS",
    "Task",
    "data_dirs",
    "load",
    "load_from_hub",
    "separator_hint",
    "task",
    "validate_inputs",
    "validate_table",
]

#: Environment variable naming a folder that holds ``<task>/train.csv``: read instead of
#: the tables shipped with the package.
DATA_ENV = "SCALINGLAWS_DATA"

#: The tables shipped with the package (see its README.md for their provenance).
PACKAGED_DATA = Path(__file__).resolve().parent / "datasets"

#: The Hugging Face Hub copy of SLDBench, used only by `load_from_hub`.
HUB_DATASET = "pkuHaowei/sldbench"


class InputError(ValueError):
    """Input a law cannot take: a missing column, a NaN, a wrong type, an unknown group."""


class DataNotFoundError(FileNotFoundError):
    """No folder that was searched holds the task's table."""


class FitError(RuntimeError):
    """No start of a fit converged: the constants would be meaningless."""


@dataclass(frozen=True)
class Column:
    """One input or target column of a task.

    ``domain`` says which values make physical sense: ``"positive"`` for sizes, counts and
    losses, ``"nonnegative"`` for proportions, ``"real"`` for anything finite.
    ``whole`` marks a count of things (parallel streams, experts): a run has a whole number
    of them. It is a flag beside the domain, not a domain of its own, because a count is also
    positive and a size (read on a log scale where a law extrapolates).
    """

    name: str
    description: str
    domain: str = "positive"
    whole: bool = False

    def violation(self, values: np.ndarray, whole: bool = True) -> np.ndarray:
        """Boolean mask of the values outside the column's domain (NaN included); with
        ``whole``, a fraction in a column of counts is outside it too."""
        bad = ~np.isfinite(values)
        if self.domain == "positive":
            bad |= values <= 0
        elif self.domain == "nonnegative":
            bad |= values < 0
        if whole and self.whole:
            with np.errstate(invalid="ignore"):
                bad |= values != np.round(values)
        return bad

    def expected(self, value: float) -> str:
        """What a value outside the column's domain should have been, in words."""
        if not math.isfinite(value):
            return "a finite number"
        if self.whole and value > 0 and value != round(value):
            return f"a whole number ({self.description})"
        return f"{self.domain} ({self.description})"


@dataclass(frozen=True)
class Source:
    """The study a task's data and its original law come from."""

    key: str
    authors: str
    title: str
    year: int
    venue: str
    arxiv: str

    @property
    def bibtex(self) -> str:
        return (
            f"@article{{{self.key},\n"
            f"  author  = {{{self.authors}}},\n"
            f"  title   = {{{self.title}}},\n"
            f"  journal = {{{self.venue}}},\n"
            f"  year    = {{{self.year}}},\n"
            f"  eprint  = {{{self.arxiv}}},\n"
            f"  archivePrefix = {{arXiv}},\n"
            f"  url     = {{https://arxiv.org/abs/{self.arxiv}}}\n"
            f"}}"
        )

    @property
    def text(self) -> str:
        title = self.title if self.title[-1:] in ".?!" else f"{self.title}."  # never "Laws?."
        return f"{self.authors} ({self.year}). {title} {self.venue}, arXiv:{self.arxiv}."


SLDBENCH = Source(
    key="lin2025sldbench",
    authors="Lin, Haowei and others",
    title="Can Language Models Discover Scaling Laws?",
    year=2025,
    venue="arXiv preprint",
    arxiv="2507.21184",
)


@dataclass(frozen=True)
class Task:
    """Schema of one task.

    ``name`` is SLDBench's task name (the data folder), ``module`` the short name of
    the law in `scalinglaws.laws`. ``extrapolation_axes`` are the inputs along
    which the held-out test rows lie beyond the training rows. ``collection`` is the
    folder of ``scalinglaws/datasets`` the table ships in and ``files`` its file per
    split; ``rows`` the number of training rows shipped. ``more_sources`` are studies
    to cite beside ``source`` (a replication, say); ``benchmark`` is SLDBench for its
    tasks and None for a law that is not one of them (no held-out split). ``sum_to_one``
    names inputs that are shares of one whole (a mixture's proportions): every row of them
    must sum to 1. ``group_parts`` names the parts of a group's name (a base model and a
    dataset): such a group is written ``model/dataset`` (see `canonical_group`).
    """

    name: str
    module: str
    inputs: tuple[Column, ...]
    targets: tuple[Column, ...]
    extrapolation_axes: tuple[str, ...]
    max_constants_per_group: int | None
    source: Source
    summary: str
    group_column: str = "group"
    groups: tuple[str, ...] = field(default=())
    rows: int = 0
    collection: str = "sldbench"
    files: tuple[tuple[str, str], ...] = (("train", "train.csv"), ("test", "test.csv"))
    more_sources: tuple[Source, ...] = ()
    benchmark: Source | None = None
    sum_to_one: tuple[str, ...] = ()
    group_parts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.collection == "sldbench" and self.benchmark is None:
            object.__setattr__(self, "benchmark", SLDBENCH)

    @property
    def sources(self) -> tuple[Source, ...]:
        """Every study to cite for the law: its source, then the others."""
        return (self.source, *self.more_sources)

    @property
    def input_names(self) -> list[str]:
        return [c.name for c in self.inputs]

    @property
    def target_names(self) -> list[str]:
        return [c.name for c in self.targets]

    @property
    def columns(self) -> list[str]:
        return [self.group_column, *self.input_names, *self.target_names]


def _source(key, authors, title, year, venue, arxiv) -> Source:
    return Source(key=key, authors=authors, title=title, year=year, venue=venue, arxiv=arxiv)


TASKS: dict[str, Task] = {
    t.module: t
    for t in (
        Task(
            name="parallel_scaling_law",
            module="parallel",
            rows=36,
            inputs=(
                Column("num_params", "parameters of the base model"),
                Column("parallel_size", "number of parallel streams P", whole=True),
            ),
            targets=(Column("loss", "validation loss", "positive"),),
            extrapolation_axes=("parallel_size",),
            max_constants_per_group=4,
            source=_source(
                "chen2025parscale",
                "Chen, Mouxiang and Hui, Binyuan and Cui, Zeyu and others",
                "Parallel Scaling Law for Language Models",
                2025,
                "arXiv preprint",
                "2505.10475",
            ),
            summary="Loss of ParScale models against parameters and parallel streams.",
            groups=("pile", "stack"),
        ),
        Task(
            name="vocab_scaling_law",
            module="vocab",
            rows=1080,
            inputs=(
                Column("non_vocab_parameters", "parameters outside the embeddings"),
                Column("vocab_size", "vocabulary size"),
                Column("num_characters", "training characters"),
            ),
            targets=(
                Column("unigram_normalized_loss", "loss minus the unigram loss (nats)", "real"),
            ),
            extrapolation_axes=("vocab_size",),
            max_constants_per_group=7,
            source=_source(
                "tao2024vocab",
                "Tao, Chaofan and Liu, Qian and Dou, Longxu and others",
                "Scaling Laws with Vocabulary: Larger Models Deserve Larger Vocabularies",
                2024,
                "Advances in Neural Information Processing Systems",
                "2407.13623",
            ),
            summary="Unigram-normalised loss against model size, vocabulary size and data.",
            groups=("all_data",),
        ),
        Task(
            name="sft_scaling_law",
            module="sft",
            rows=504,
            inputs=(Column("sft_data_size", "fine-tuning examples"),),
            targets=(Column("sft_loss", "fine-tuning loss", "positive"),),
            extrapolation_axes=("sft_data_size",),
            max_constants_per_group=4,
            source=_source(
                "lin2024rectified",
                "Lin, Haowei and Huang, Baizhou and Ye, Haotian and others",
                "Selecting Large Language Model to Fine-tune via Rectified Scaling Law",
                2024,
                "International Conference on Machine Learning",
                "2402.02314",
            ),
            summary="Fine-tuning loss against fine-tuning data size, per (base model, dataset).",
            group_parts=("model", "dataset"),
        ),
        Task(
            name="domain_mixture_scaling_law",
            module="domain_mixture",
            rows=80,
            inputs=tuple(
                Column(f"proportion_domain_{i}", f"share of domain {i} in the mixture", "nonnegative")
                for i in range(1, 6)
            ),
            targets=tuple(
                Column(f"loss_domain_{i}", f"validation loss on domain {i}", "positive") for i in range(1, 6)
            ),
            extrapolation_axes=(),
            max_constants_per_group=35,
            sum_to_one=tuple(f"proportion_domain_{i}" for i in range(1, 6)),
            source=_source(
                "ye2024mixing",
                "Ye, Jiasheng and Liu, Peiju and Sun, Tianxiang and others",
                "Data Mixing Laws: Optimizing Data Mixtures by Predicting Language Modeling Performance",
                2024,
                "arXiv preprint",
                "2403.16952",
            ),
            summary="Per-domain losses against the proportions of five domains in the mixture.",
            groups=("70M", "160M", "305M", "410M"),
        ),
        Task(
            name="moe_scaling_law",
            module="moe",
            rows=193,
            inputs=(
                Column("num_experts", "experts per MoE layer", whole=True),
                Column("dense_parameter_count", "parameters of the dense (non-expert) equivalent"),
            ),
            targets=(Column("loss_validation", "validation loss", "positive"),),
            extrapolation_axes=("dense_parameter_count",),
            max_constants_per_group=6,
            source=_source(
                "krajewski2024moe",
                "Krajewski, Jakub and Ludziejewski, Jan and Adamczewski, Kamil and others",
                "Scaling Laws for Fine-Grained Mixture of Experts",
                2024,
                "International Conference on Machine Learning",
                "2402.07871",
            ),
            summary="Validation loss of mixture-of-experts models against experts and size.",
            groups=("all_data",),
        ),
        Task(
            name="data_constrained_scaling_law",
            module="data_constrained",
            rows=161,
            inputs=(
                Column("unique_tokens", "unique tokens in the (repeated) data"),
                Column("params", "model parameters"),
                Column("tokens", "tokens trained on"),
            ),
            targets=(Column("loss", "validation loss", "positive"),),
            extrapolation_axes=("tokens", "params"),
            max_constants_per_group=7,
            source=_source(
                "muennighoff2023data",
                "Muennighoff, Niklas and Rush, Alexander M. and Barak, Boaz and others",
                "Scaling Data-Constrained Language Models",
                2023,
                "Advances in Neural Information Processing Systems",
                "2305.16264",
            ),
            summary="Loss against parameters, tokens trained on, and unique tokens (repeated data).",
            groups=("all_data",),
        ),
        Task(
            name="lr_bsz_scaling_law",
            module="lr_bsz",
            rows=1730,
            inputs=(
                Column("lr", "peak learning rate"),
                Column("bsz", "batch size (sequences of 2048 tokens)"),
                Column("data_size", "training tokens"),
                Column("non_embedding_param_size", "non-embedding parameters"),
            ),
            targets=(Column("lm_loss", "smoothed final training loss", "positive"),),
            extrapolation_axes=("non_embedding_param_size", "data_size"),
            max_constants_per_group=None,
            source=_source(
                "li2025steplaw",
                "Li, Houyi and Zheng, Wenzhen and Hu, Jingcheng and others",
                "Predictable Scale: Part I -- Optimal Hyperparameter Scaling Law in Large Language Model Pretraining",
                2025,
                "arXiv preprint",
                "2503.04715",
            ),
            summary="Final loss against learning rate, batch size, data and model size.",
            groups=("all_data",),
        ),
        Task(
            name="easy_question_scaling_law",
            module="u_shape",
            rows=389,
            inputs=(
                Column("log_flops", "log10 of training FLOPs in units of 1e21", "real"),
            ),
            targets=(
                Column("brier_score", "negated Brier score on the easiest third of questions", "real"),
            ),
            extrapolation_axes=("log_flops",),
            max_constants_per_group=6,
            source=_source(
                "wu2024ushaped",
                "Wu, Tung-Yu and Lo, Pei-Yu",
                "U-shaped and Inverted-U Scaling behind Emergent Abilities of Large Language Models",
                2024,
                "arXiv preprint",
                "2410.01692",
            ),
            summary="Score on a benchmark's easy questions against training compute (U-shaped).",
        ),
        Task(
            name="chinchilla",
            module="chinchilla",
            inputs=(
                Column("params", "model parameters N"),
                Column("tokens", "training tokens D"),
            ),
            targets=(Column("loss", "final training loss", "positive"),),
            extrapolation_axes=("params", "tokens"),
            max_constants_per_group=5,
            source=_source(
                "hoffmann2022chinchilla",
                "Hoffmann, Jordan and Borgeaud, Sebastian and Mensch, Arthur and others",
                "Training Compute-Optimal Large Language Models",
                2022,
                "Advances in Neural Information Processing Systems",
                "2203.15556",
            ),
            summary="Loss against parameters and tokens: the compute-optimal allocation.",
            groups=("all_data",),
            rows=245,
            collection="chinchilla",
            files=(("train", "runs.csv"),),
            more_sources=(
                _source(
                    "besiroglu2024chinchilla",
                    "Besiroglu, Tamay and Erdil, Ege and Barnett, Matthew and You, Josh",
                    "Chinchilla Scaling: A replication attempt",
                    2024,
                    "arXiv preprint",
                    "2404.10102",
                ),
            ),
        ),
    )
}

_BY_NAME = {t.name: t for t in TASKS.values()}


_PAIR = re.compile(r"^\(\s*'(?P<first>[^']*)'\s*,\s*'(?P<second>[^']*)'\s*\)$")


def canonical_group(name: str | Task, group: Any) -> str:
    """A group's name as the package writes it. For a task whose groups pair a base model and
    a dataset (sft), ``model/dataset`` (``gpt2/flan``, ``facebook/opt-1.3b/flan``): a tuple
    ``("gpt2", "flan")`` and SLDBench's spelling ``"('gpt2', 'flan')"`` name the same group."""
    t = task(name)
    if not t.group_parts:
        return str(group)
    if isinstance(group, (tuple, list)) and len(group) == len(t.group_parts):
        return "/".join(str(part) for part in group)
    text = str(group).strip()
    match = _PAIR.match(text)
    return f"{match['first']}/{match['second']}" if match else text


def task(name: str | Task) -> Task:
    """The schema of a task, by module name (``"moe"``) or SLDBench name (``"moe_scaling_law"``)."""
    if isinstance(name, Task):
        return name
    if name in TASKS:
        return TASKS[name]
    if name in _BY_NAME:
        return _BY_NAME[name]
    known = ", ".join(f"{t.module} ({t.name})" for t in TASKS.values())
    raise InputError(f"unknown task {name!r}; the tasks are: {known}")


def data_dirs() -> list[Path]:
    """The folders searched for ``<task>/<file>``, in order: ``$SCALINGLAWS_DATA`` if set, then
    the tables shipped with the package."""
    dirs = []
    if os.environ.get(DATA_ENV):
        dirs.append(Path(os.environ[DATA_ENV]).expanduser())
    dirs.append(PACKAGED_DATA)
    return dirs


def _file(t: Task, split: str) -> str:
    files = dict(t.files)
    if split not in files:
        raise DataNotFoundError(
            f"{t.module} has no {split} split; its tables: {', '.join(files)}"
            + ("" if t.benchmark else " (it is not an SLDBench task: its law is judged by backtests)")
        )
    return files[split]


def _candidates(t: Task, split: str, folder: Path) -> Path:
    # The packaged copy keeps each collection in a folder of its own; an override
    # folder holds <task>/<file> directly, as SLDBench's repository does.
    if folder == PACKAGED_DATA:
        return folder / t.collection / (t.name if t.collection == "sldbench" else "") / _file(t, split)
    return folder / t.name / _file(t, split)


def _find_table(t: Task, split: str, data_dir: str | os.PathLike | None) -> Path:
    searched = [Path(data_dir).expanduser()] if data_dir is not None else data_dirs()
    paths = [_candidates(t, split, folder) for folder in searched]
    for path in paths:
        if path.is_file():
            return path
    where = "\n  ".join(str(path) for path in paths)
    hint = (
        "the test split is held out of this package on purpose (as in SLDBench)"
        if split == "test"
        else f"point {DATA_ENV} (or data_dir=) at a folder holding {t.name}/{_file(t, split)}, "
        "or reinstall the package: its own copy is missing"
    )
    raise DataNotFoundError(f"no {split} table for task {t.name!r}; looked in:\n  {where}\n{hint}")


def _tidy(frame: pd.DataFrame, t: Task, origin: str) -> pd.DataFrame:
    if t.group_column not in frame.columns and len(t.groups) == 1:
        frame = frame.assign(**{t.group_column: t.groups[0]})  # a one-group table may omit the column
    missing = [c for c in t.columns if c not in frame.columns]
    if missing:
        raise InputError(f"{origin} lacks column(s) {', '.join(missing)} of task {t.name}")
    frame = frame[t.columns].copy()
    frame[t.group_column] = [canonical_group(t, g) for g in frame[t.group_column].astype(str)]
    for column in [*t.inputs, *t.targets]:
        frame[column.name] = _checked_column(frame[column.name], column, text=True, where=origin)
    return frame.reset_index(drop=True)


def load(name: str | Task, split: str = "train", data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load a task's table as a tidy DataFrame: the group column, the inputs, the targets.

    Reads the table shipped with the package, or the one in ``data_dir`` (or in the
    folder named by ``$SCALINGLAWS_DATA``) if given. Nothing is downloaded.
    """
    import pandas as pd

    t = task(name)
    path = _find_table(t, split, data_dir)
    return _tidy(pd.read_csv(path), t, str(path))


#: Independent public studies shipped with the package (``datasets/external``), by name: what
#: each is, and which law it tests. Each folder keeps the study's README (provenance, caveats)
#: and LICENSE beside its tables.
EXTERNAL = {
    "porian2024": "Porian et al. 2024, isoFLOP runs on RefinedWeb and OpenWebText2 in five setups (law: chinchilla)",
    "mcleish2025": "McLeish et al. 2025 (Gemstones), 22 shapes from 48M to 2B parameters (law: chinchilla)",
    "muennighoff2023": "Muennighoff et al. 2023, data-constrained runs (law: data_constrained)",
}

EXTERNAL_DATA = PACKAGED_DATA / "external"


def load_external(name: str, table: str = "runs") -> pd.DataFrame:
    """A table of an independent study shipped with the package: ``"porian2024"``,
    ``"mcleish2025"`` or ``"muennighoff2023"`` (see `EXTERNAL`); ``table`` names the file
    (``runs``, or the study's others: ``fits`` and ``optimal_pairs`` for Porian et al.,
    ``hot_checkpoints`` for Gemstones). The columns are the study's, documented in its README
    (``datasets/external/<name>/README.md``, with its licence beside it)."""
    import pandas as pd

    if name not in EXTERNAL:
        raise InputError(f"unknown study {name!r}; the studies are: {', '.join(EXTERNAL)}")
    path = EXTERNAL_DATA / name / f"{table}.csv"
    if not path.is_file():
        tables = sorted(p.stem for p in (EXTERNAL_DATA / name).glob("*.csv"))
        raise DataNotFoundError(f"{name} has no table {table!r}; its tables: {', '.join(tables)}")
    return pd.read_csv(path)


def external_split(name: str, dataset: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The documented split of an independent study into the runs a law is fitted on and the
    larger runs it must predict (the validation page's figures), as two tables with the law's
    columns (and the study's others):

    - ``porian2024`` (``dataset``: ``"RefinedWeb"`` or ``"OpenWebText2"``): configuration
      "Cosine decay", rows with at least one token per parameter; fit on compute <= 1.6e18
      FLOP, predict compute >= 1.28e19. Law: chinchilla.
    - ``mcleish2025``: the annealed ("cooldown") runs; fit on params <= 6e8, predict params >= 1e9.
      Law: chinchilla.
    - ``muennighoff2023``: runs with loss < 10; fit on params <= 1.6e9, predict params >= 2e9.
      Law: data_constrained.
    """
    runs = load_external(name)
    if name == "porian2024":
        datasets = sorted(runs.dataset.unique())
        if dataset not in datasets:
            raise InputError(f"porian2024: name the dataset ({' or '.join(datasets)}), got {dataset!r}")
        runs = runs[(runs.configuration == "Cosine decay") & (runs.dataset == dataset) & (runs.tokens >= runs.params)]
        small, large = runs[runs.compute_flops <= 1.6e18], runs[runs.compute_flops >= 1.28e19]
    elif name == "mcleish2025":
        runs = runs[runs.variant == "cooldown"]
        small, large = runs[runs.params <= 6e8], runs[runs.params >= 1e9]
    else:
        runs = runs[runs.loss < 10]
        small, large = runs[runs.params <= 1.6e9], runs[runs.params >= 2e9]
    return small.reset_index(drop=True), large.reset_index(drop=True)


def load_from_hub(name: str | Task, split: str = "train", timeout: float = 10.0) -> pd.DataFrame:
    """Opt-in: load a task from the Hugging Face Hub copy of SLDBench.

    Never called by the package itself. Needs the ``datasets`` library (``pip install
    "scalinglaws[hub]"``); every failure (library missing, no network, unknown config)
    becomes a `DataNotFoundError` that says what went wrong, and network waits are
    bounded by ``timeout`` seconds.
    """
    t = task(name)
    if t.benchmark is None:
        raise DataNotFoundError(f"{t.module} is not an SLDBench task: the Hub copy does not hold it")
    try:
        import datasets  # noqa: PLC0415  (optional dependency, imported only on request)
    except ImportError as error:
        raise DataNotFoundError(
            "load_from_hub needs the 'datasets' library (pip install \"scalinglaws[hub]\"); "
            "the training tables ship with the package: data.load() reads them"
        ) from error
    os.environ.setdefault("HF_HUB_ETAG_TIMEOUT", str(int(timeout)))
    os.environ.setdefault("HF_HUB_DOWNLOAD_TIMEOUT", str(int(timeout)))
    try:
        frame = datasets.load_dataset(HUB_DATASET, t.name, split=split).to_pandas()
    except Exception as error:  # the library raises many kinds; all mean "not available"
        raise DataNotFoundError(
            f"could not load {t.name!r} ({split}) from the Hub dataset {HUB_DATASET}: "
            f"{type(error).__name__}: {error}"
        ) from error
    return _tidy(frame, t, f"Hub dataset {HUB_DATASET}/{t.name}")


def validate_inputs(
    name: str | Task,
    rows: Any,
    text: bool = False,
    whole: bool = False,
) -> dict[str, np.ndarray]:
    """Check law inputs against the schema; return them as float columns, by input name.

    ``rows`` is a mapping of columns (a dict of lists or arrays, a DataFrame), a list of
    dicts (the leaderboard interface) or an (n, features) array in the schema's column
    order. Extra columns are left out. With ``text``, numbers written as strings (a CSV
    column that pandas left as text) are read as numbers; otherwise a string is refused.
    With ``whole``, a count (``Column.whole``: streams, experts) must be a whole number, as
    for a run the command line is asked about; without, a law is a function that may be
    drawn through fractional counts. Raises `InputError` naming the column, and the row, of
    the first fault.
    """
    t = task(name)
    names = t.input_names
    if hasattr(rows, "columns") and hasattr(rows, "to_numpy"):  # a DataFrame, without importing pandas
        columns = {str(c): rows[c].to_numpy() for c in rows.columns}
    elif isinstance(rows, Mapping):
        columns = {str(k): np.atleast_1d(np.asarray(v, dtype=object if _has_text(v) else None))
                   for k, v in rows.items()}
    elif isinstance(rows, np.ndarray) or (
        isinstance(rows, Sequence) and not isinstance(rows, (str, bytes)) and len(rows)
        and not isinstance(rows[0], Mapping)
    ):
        array = np.asarray(rows)
        if array.dtype.kind not in "iuf":  # keep strings and bools for the checks below
            array = array.astype(object)
        if array.ndim == 1 and len(names) == 1:
            array = array[:, None]
        if array.ndim != 2 or array.shape[1] != len(names):
            raise InputError(
                f"{t.module} expects an (n, {len(names)}) array with columns {names}; "
                f"got shape {array.shape}"
            )
        columns = {n: array[:, j] for j, n in enumerate(names)}
    elif isinstance(rows, (str, bytes)) or not isinstance(rows, Iterable):
        raise InputError(
            f"expected records (a list of dicts), a table or an array of {t.module} inputs, "
            f"got {type(rows).__name__}"
        )
    else:
        records = list(rows)
        for i, record in enumerate(records):
            if not isinstance(record, Mapping):
                raise InputError(f"row {i}: expected a dict of inputs, got {type(record).__name__}")
        if not records:
            return {n: np.empty(0) for n in names}
        missing = [n for n in names if all(n not in record for record in records)]
        if missing:
            raise InputError(f"missing input column(s) {', '.join(missing)}; {t.module} needs {names}")
        for i, record in enumerate(records):
            absent = [n for n in names if n not in record]
            if absent:
                raise InputError(f"row {i}: missing input(s) {', '.join(absent)}")
        columns = {n: np.array([record[n] for record in records], dtype=object) for n in names}
    missing = [n for n in names if n not in columns]
    if missing:
        raise InputError(f"missing input column(s) {', '.join(missing)}; {t.module} needs {names}"
                         + separator_hint(columns))
    lengths = {len(columns[n]) for n in names}
    if len(lengths) > 1:
        raise InputError(f"input columns of different lengths: " + ", ".join(f"{n} {len(columns[n])}" for n in names))
    checked = {c.name: _checked_column(columns[c.name], c, text=text, whole=whole) for c in t.inputs}
    _check_shares(t, checked)
    return checked


def separator_hint(columns: Iterable[Any]) -> str:
    """A hint when a table's header looks split by something other than commas (a CSV written
    with ``;`` or tabs reads as one column), else ``""``."""
    for name in map(str, columns):
        for mark, word in ((";", "semicolon"), ("\t", "tab")):
            if mark in name:
                shown = name if len(name) <= 60 else name[:57] + "..."
                return (f" (the header {shown!r} looks {word}-separated: write the file with commas, "
                        f"or read it with sep={mark!r})")
    return ""


#: How far a row of shares may sum from 1 (proportions written with six decimals pass).
SHARE_TOLERANCE = 1e-5


def _check_shares(t: Task, columns: Mapping[str, np.ndarray]) -> None:
    if not t.sum_to_one:
        return
    total = np.sum([columns[name] for name in t.sum_to_one], axis=0)
    bad = np.abs(total - 1.0) > SHARE_TOLERANCE
    if np.any(bad):
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"row {row}: the shares {', '.join(t.sum_to_one)} sum to {total[row]:.6g}, not 1 "
            "(they are proportions of one mixture)"
        )


def _has_text(values: Any) -> bool:
    return isinstance(values, (str, bytes)) or (
        isinstance(values, (list, tuple)) and any(isinstance(v, (str, bytes, bool, type(None))) for v in values)
    )


def _is_number(value: Any) -> bool:
    # bool and str convert to numbers in numpy; as law inputs they are mistakes.
    return isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_))


def _as_number(value: Any, text: bool) -> float | None:
    """``value`` as a float, or None if it is not a number (a numeric string counts with ``text``)."""
    if _is_number(value):
        return float(value)
    if value is None:
        return math.nan
    if text and isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _checked_column(values: Any, column: Column, text: bool = False, where: str = "", whole: bool = True) -> np.ndarray:
    array = values.to_numpy() if hasattr(values, "to_numpy") else np.asarray(values)
    if array.dtype.kind in "iuf":
        numbers = array.astype(float)
    else:
        # Only mixed or non-numeric columns reach this element-wise check.
        objects = array.astype(object).ravel()
        numbers = np.empty(objects.size)
        for position, value in enumerate(objects):
            number = _as_number(value, text)
            if number is None:
                raise InputError(
                    f"{where + ': ' if where else ''}row {position}, column {column.name}: "
                    f"expected a number, got {value!r}"
                )
            numbers[position] = number
    bad = column.violation(numbers, whole=whole)
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        value = float(numbers[position])
        what = column.expected(value)
        raise InputError(
            f"{where + ': ' if where else ''}row {position}, column {column.name}: {value!r} is not {what}"
        )
    return numbers


def validate_table(name: str | Task, frame: pd.DataFrame, default_group: str = "all_data") -> pd.DataFrame:
    """Check a table of runs (inputs and targets; the group column optional) for fitting.

    Returns it tidy, as `load` would; a missing group column puts every row in
    ``default_group``. Numbers written as text (from a CSV) are read as numbers. Errors
    name the column, and the row, at fault; a table with no rows is refused.
    """
    import pandas as pd

    t = task(name)
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"expected a table (DataFrame) of runs, got {type(frame).__name__}")
    missing = [c for c in [*t.input_names, *t.target_names] if c not in frame.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; a {t.module} table needs "
            f"{', '.join([*t.input_names, *t.target_names])} (and optionally {t.group_column})"
            + separator_hint(frame.columns)
        )
    if len(frame) == 0:
        raise InputError(f"the table has no rows: a {t.module} law needs runs to fit")
    frame = frame.reset_index(drop=True)
    groups = ([canonical_group(t, g) for g in frame[t.group_column].astype(str)]
              if t.group_column in frame else default_group)
    out = pd.DataFrame({t.group_column: groups}, index=frame.index)
    for column in [*t.inputs, *t.targets]:
        out[column.name] = _checked_column(frame[column.name], column, text=True)
    _check_shares(t, {name: out[name].to_numpy() for name in t.sum_to_one})
    return out
