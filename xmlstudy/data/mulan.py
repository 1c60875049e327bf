"""Registry entries for the Mulan benchmark files and MEKA's IMDB (all ARFF).

Mulan ships each data set as ``<name>-train.arff`` / ``<name>-test.arff`` plus ``<name>.xml``
naming the labels; MEKA ships IMDB as one bz2-compressed ARFF whose first 28 attributes are the
labels (``-C 28``) and no split, so the registry draws a seeded 20% test split (the share Rank-AE
holds out of its own IMDb crawl: 6,740 of 34,157).

``expected`` holds the statistics of the files themselves (verified by the tests); where a paper
prints a different number, it is kept under ``expected["published"]`` and explained in ``notes``.
Label cardinality is over train and test together, as the Mulan pages and Rank-AE report it.
"""
from __future__ import annotations

from pathlib import Path

from xmlstudy.data import arff
from xmlstudy.data.dataset import DataFile, Dataset, DatasetSpec

# The cache key of a data set hashes the source of its reader's module (this one), not of the
# ARFF parser it calls: the parser's version is part of this one, so that a change of how ARFF
# is read converts the registered data sets again instead of serving their old arrays.
READER_VERSION = f"1+arff-{arff.READER_VERSION}"

_MULAN = ("tsoumakas/mulan", "43f6389095ad71984264db4387a8074b22bc7d4a", "data/multi-label")
_MEKA = ("Waikato/meka", "f9ffe231e06ebaa75b4a95c5cdeb737419731621", "src/main/data")
_LICENCE = ("Distributed with the Mulan (tsoumakas/mulan) and MEKA (Waikato/meka) repositories, whose "
            "software is GPL-3.0; the data carry no separate licence. Cite the original data set paper "
            "and the repository.")


def _raw_url(source: tuple[str, str, str], relative: str) -> str:
    repo, commit, folder = source
    return f"https://raw.githubusercontent.com/{repo}/{commit}/{folder}/{relative}"


def _mulan_file(relative: str, sha256: str) -> DataFile:
    return DataFile(path=f"mulan/{relative}", sha256=sha256, url=_raw_url(_MULAN, relative))


def _dataset(name: str, split: str, parsed) -> Dataset:
    X, Y, feature_names, label_names = parsed
    return Dataset(name=name, split=split, X=X, Y=Y, feature_names=feature_names,
                   label_names=label_names)


def read_mulan_split(paths: dict[str, Path], spec: DatasetSpec) -> dict[str, Dataset]:
    """Reader for a Mulan data set: files ``*train*.arff``, ``*test*.arff`` and one ``.xml``."""
    def one(pred) -> Path:
        (path,) = [p for key, p in paths.items() if pred(Path(key).name)]
        return path
    xml = one(lambda n: n.endswith(".xml"))
    return {split: _dataset(spec.name, split, arff.read_mulan(one(lambda n: f"-{split}" in n), xml))
            for split in ("train", "test")}


def read_meka_whole(paths: dict[str, Path], spec: DatasetSpec) -> dict[str, Dataset]:
    """Reader for a MEKA data set in one file: everything is returned as ``"all"``."""
    (path,) = paths.values()
    return {"all": _dataset(spec.name, "all", arff.read_meka(path))}


_IMDB_FILE = DataFile(path="meka/Imdb.arff.bz2",
                      sha256="edc1eb0acbcd3d5864eb61f1ef9c13bd21fc098fb68412434ca06c07a10e1122",
                      url=_raw_url(_MEKA, "Imdb.arff.bz2"))

# Rank-AE's IMDb crawl has 27,417 training and 6,740 test documents (its Table 1).
RANKAE_IMDB_SIZES = (27417, 6740)


def read_imdb_rankae_sizes(paths: dict[str, Path], spec: DatasetSpec) -> dict[str, Dataset]:
    """Reader for IMDB-F at Rank-AE's IMDb sizes: the registry's own imdb train / test split
    (seeded 20% test), then a seeded subset of each of the published sizes, so no test document
    of ``imdb`` ever lands in this training split."""
    import numpy as np

    from xmlstudy.data.splits import random_test_split

    whole = read_meka_whole(paths, spec)["all"]
    train, test = random_test_split(whole, 0.2)
    rng = np.random.default_rng(0)
    parts = {}
    for name, part, size in (("train", train, RANKAE_IMDB_SIZES[0]),
                             ("test", test, RANKAE_IMDB_SIZES[1])):
        parts[name] = part.subset(np.sort(rng.choice(len(part), size=size, replace=False)), split=name)
    return parts


def _mulan_spec(name, title, folder, files, citation, expected, split_note, notes=""):
    """``files``: (train .arff, test .arff, .xml) file names inside ``folder``, each with its sha256."""
    return DatasetSpec(
        name=name,
        title=title,
        files=tuple(_mulan_file(f"{folder}/{file}", sha) for file, sha in files),
        reader=read_mulan_split,
        format="Mulan ARFF (labels named in the .xml, stored as the last attributes)",
        source=f"Mulan repository, {_raw_url(_MULAN, folder)}",
        citation=f"{citation},tsoumakas2011mulan",
        licence=_LICENCE,
        split=split_note,
        expected=expected,
        notes=notes,
    )


SPECS: list[DatasetSpec] = [
    _mulan_spec(
        "bibtex", "Bibtex: BibSonomy publication tags", "bibtex",
        (("bibtex-train.arff", "8dcc9de6e0b2cebaec8c1f4fac78431adeeb73cfd3ab879b530a66d366e59174"),
         ("bibtex-test.arff", "9b03329cde64d3f994bdf7fbbac3f3b10fe185c311cb9ae725475f59c7f3f922"),
         ("bibtex.xml", "08fe20013c1e75dcf1888c185f5187c95e76495b8518ce289b4d3afce38d1232")),
        "katakis2008bibtex",
        {"train": 4880, "test": 2515, "features": 1836, "labels": 159, "cardinality": 2.40,
         "empty_rows": 0},
        "Mulan's own train/test files (ECML/PKDD 2008 discovery challenge split).",
        notes="Binary bag-of-words features of the publication's BibTeX entry; labels are user tags.",
    ),
    _mulan_spec(
        "delicious", "Delicious: del.icio.us bookmark tags", "delicious",
        (("delicious-train.arff", "030186cdb542ebdd32052fcdbb1ebe30115b3a22518c1b4b198c45eb827aebe1"),
         ("delicious-test.arff", "2dfb01723a819914b0ca83361177ed413ce3f2169851d9f228d4692915d63944"),
         ("delicious.xml", "4e0c0f93c7d86a39b9fca4aaefaa00e9428f2c80277732dfbf03ca48e2c14da2")),
        "tsoumakas2008delicious",
        {"train": 12920, "test": 3185, "features": 500, "labels": 983, "cardinality": 19.02,
         "empty_rows": 14, "published": {"cardinality": 19.03}},
        "Mulan's own train/test files.",
        notes=("Binary bag-of-words features of the bookmarked page; labels are tags. 14 rows "
               "(10 train, 4 test) have no label. The files give a label cardinality of 19.020 "
               "(train 19.047, test 18.910); Rank-AE's Table 1 prints 19.03."),
    ),
    _mulan_spec(
        "yeast", "Yeast: gene functional classes", "yeast",
        (("yeast-train.arff", "e759dc991ff54694a4ff9c4314f3be0d6fd2b1994a4b563f57e416394c6aebbd"),
         ("yeast-test.arff", "4aaac102bff9669a765bf0b378602e5cc8c3b181048282e2f003117b496d552a"),
         ("yeast.xml", "c3056cc26444b5158b1588d1b73bec9c45429e10f0957ad085903423cb81f247")),
        "elisseeff2001yeast",
        {"train": 1500, "test": 917, "features": 103, "labels": 14, "cardinality": 4.24,
         "empty_rows": 0},
        "Mulan's own train/test files.",
        notes="Dense real-valued features (micro-array expression and phylogenetic profiles).",
    ),
    _mulan_spec(
        "scene", "Scene: natural scene images", "scene",
        (("scene-train.arff", "b53ba93bdf412de922e3960389bcee24744fa3e872ce610511fc1d750888b64d"),
         ("scene-test.arff", "ea38d20296b3ff7e220f477a3b802a9bcb2d768881fe6ee163efbc97ea527a42"),
         ("scene.xml", "55d8b247b949ad5c52e5a73d8c6775ec6e5469ce9682465b45b333b68ee4bcc5")),
        "boutell2004scene",
        {"train": 1211, "test": 1196, "features": 294, "labels": 6, "cardinality": 1.07,
         "empty_rows": 0},
        "Mulan's own train/test files.",
        notes="Dense colour features (spatial colour moments in LUV space) of scene photographs.",
    ),
    _mulan_spec(
        "corel5k", "Corel5k: image annotation with words", "corel5k",
        (("Corel5k-train-sparse.arff", "19eb253c447144bea74ffa86b4731a56022addae2ba7d0aab72ad07fdc02e9b3"),
         ("Corel5k-test-sparse.arff", "e8f8e9cd052c43ba7bdfdf99d242f461fc8c2a03163466d921e576887b51d8a7"),
         ("Corel5k.xml", "54ef6a6ccb7ca9b77524052b34b306d5d501661a5609b9d1cc7085b2b597679d")),
        "duygulu2002corel",
        {"train": 4500, "test": 500, "features": 499, "labels": 374, "cardinality": 3.52,
         "empty_rows": 0},
        "Mulan's own train/test files (the sparse version).",
        notes=("Binary visual-word features (blob clusters); labels are annotation words. "
               "3 labels never occur in train."),
    ),
    DatasetSpec(
        name="imdb",
        title="IMDB-F: movie plot summaries and genres (MEKA)",
        files=(_IMDB_FILE,),
        reader=read_meka_whole,
        format="MEKA ARFF, bz2-compressed, labels first (-C 28 in @relation)",
        source=f"MEKA repository, {_raw_url(_MEKA, 'Imdb.arff.bz2')}",
        citation="read2011classifier,read2016meka",
        licence=_LICENCE,
        split=("No split in the source: a seeded random 20% of the rows is the test split "
               "(seed 0, the same on every machine); validation is carved from the rest."),
        expected={"rows": 120919, "train": 96735, "test": 24184, "features": 1001, "labels": 28,
                  "cardinality": 2.00, "empty_rows": 0},
        test_fraction=0.2,
        notes=("Binary presence of the 1,001 most frequent plot-summary words (the attribute names "
               "are the words); 28 genres. Rank-AE crawled its own IMDb (27,417 train / 6,740 test, "
               "115,554 features, cardinality 2.4), which is not public; this is the closest public "
               "data set with the same 28 genres."),
    ),
    DatasetSpec(
        name="imdb-rankae",
        title="IMDB-F at the sizes of Rank-AE's IMDb (27,417 train / 6,740 test)",
        files=(_IMDB_FILE,),
        reader=read_imdb_rankae_sizes,
        format="MEKA ARFF, bz2-compressed, labels first (-C 28 in @relation)",
        source=f"MEKA repository, {_raw_url(_MEKA, 'Imdb.arff.bz2')}",
        citation="read2011classifier,read2016meka",
        licence=_LICENCE,
        split=("imdb's own seeded train / test split, then seeded subsets of 27,417 training "
               "and 6,740 test rows (seed 0), the sizes of Rank-AE's IMDb; validation is carved "
               "from the training rows."),
        expected={"train": 27417, "test": 6740, "features": 1001, "labels": 28},
        notes=("The subset of IMDB-F on which the Rank-AE chapter reruns the paper's noise "
               "experiment (Figure 3) at the paper's sizes."),
    ),
]
