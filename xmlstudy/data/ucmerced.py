"""UC Merced multi-label: 2,100 aerial images, 17 object labels, 21 land-use classes.

* Labels: ``LandUse_Multilabeled.txt`` inside ``multilabels.zip`` (Chaudhuri et al. 2017): one
  tab-separated row of 17 0/1 values per image (airplane, bare-soil, buildings, ...). Groups are
  the 21 land-use classes of the original UC Merced dataset (Yang and Newsam 2010), i.e. the
  image folders.
* Images: the data mirror holds JPEG re-encodings (quality 95, no chroma subsampling) of the
  original TIFFs, listed with their sha256 in ``images_manifest.tsv`` next to the images folder.
  They have no public URL of their own, so they are found next to the manifest; every image is
  checked against its manifest sha256 when the features are computed. Most are 256 x 256 RGB, 44
  are a few pixels smaller. Rows are in the order of the label file; ``meta["image_paths"]``
  gives each row's image, and :func:`load_image` reads one lazily (for CNNs and LIME),
  :func:`read_images` the images of a Dataset's rows.
* Features ``X`` (312 columns), a cheap description good enough for kNN sanity checks, computed
  once per image and cached by the registry:
  a 16-bin histogram per RGB channel (48 fractions), an 8-bin histogram of the grey-level gradient
  magnitude (edges separate built-up scenes from fields and water; fixed bin edges 0, 2, 4, 8,
  16, 32, 64, 128, inf), and a 16 x 16 grey thumbnail (256 values, box-filtered). Each of the
  three blocks is scaled to unit L2 norm so that they weigh equally in distances. No statistic is
  fitted on the data, so the features cannot leak test information.
* No train/test split in the source: the registry draws a seeded random 80/20 split.
* ``ucmerced-aitlas``: the same images and labels with the published split of the AiTLAS
  benchmark (Dimitrovski et al. 2023; train 1,285 / validation 395 / test 420), three
  tab-separated files of image name and 17 0/1 labels. Their labels are checked against the
  label file row by row (they agree), and the three parts must be disjoint and cover all 2,100.
* ``ucmerced-planted``: the planted-signal check of the explanations. Seeded subsets of the AiTLAS
  parts (400 / 100 / 100 images); in half of each a 64 x 64 checkerboard patch (magenta and
  lime, 8-pixel squares) is pasted at a seeded random position, and an 18th label
  ``planted-patch`` says whether it is there. ``meta["patches"]`` holds each row's
  ``[top, left, side]`` in pixels of the 256-pixel image (None: no patch); :func:`load_image`
  with ``patch=`` pastes it. The features ``X`` are those of the images without the patch (the
  image models read the pixels).
"""
from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from PIL import Image

from .dataset import DataFile, Dataset, DatasetSpec
from .errors import ChecksumError, MissingDataFile, ParseError

LABELS_FILE = DataFile(
    path="ucmerced_multilabel/multilabels.zip",
    sha256="65dcd64d619975ff28bbd15447c70df23a5ee9ebe40335b364af6b3e211943e6",
    url="https://raw.githubusercontent.com/rsim-tu-berlin/bigearth.eu/"
        "a6617baba506644837865109ea3b80a3ab40fb31/assets/docs/multilabels.zip",
)
# Written by the data mirror (the JPEG copies have no public source of their own), so it has no
# download URL: it and the images must come from a local mirror.
MANIFEST_FILE = DataFile(
    path="ucmerced_multilabel/images_manifest.tsv",
    sha256="960c5baece30cca0ae20fd641f1d6d8e247eff3c4fa9fa8e4ce0bcee26ac5e5b",
    url="",
)
LABELS_MEMBER = "multilabels/LandUse_Multilabeled.txt"

COLOUR_BINS = 16
GRADIENT_EDGES = np.array([0, 2, 4, 8, 16, 32, 64, 128, np.inf], dtype=np.float32)
THUMBNAIL = 16


PATCH_SIDE, PATCH_SQUARE = 64, 8
PATCH_COLOURS = ((255, 0, 255), (0, 255, 0))   # magenta, lime
PLANTED_SIZES = {"train": 400, "valid": 100, "test": 100}
PLANTED_SEED = 0
PLANTED_LABEL = "planted-patch"


def checkerboard(side: int = PATCH_SIDE, square: int = PATCH_SQUARE) -> np.ndarray:
    """The planted patch: a ``side x side x 3`` uint8 checkerboard of :data:`PATCH_COLOURS`."""
    cells = (np.add.outer(np.arange(side) // square, np.arange(side) // square) % 2).astype(bool)
    out = np.empty((side, side, 3), np.uint8)
    out[~cells], out[cells] = PATCH_COLOURS
    return out


def paste_patch(image: np.ndarray, patch) -> np.ndarray:
    """``image`` (h x w x 3 uint8) with the checkerboard pasted at ``patch = [top, left, side]``,
    clipped to the image."""
    top, left, side = (int(v) for v in patch)
    out = np.array(image, copy=True)
    board = checkerboard(side)
    h, w = out.shape[:2]
    bottom, right = min(top + side, h), min(left + side, w)
    out[top:bottom, left:right] = board[:bottom - top, :right - left]
    return out


def patch_mask(patch, shape: tuple[int, int], size: int | tuple[int, int] | None = None) -> np.ndarray:
    """Boolean mask of the patch in an image of ``shape`` (height, width), resized to ``size`` as
    :func:`load_image` resizes the image (nearest neighbour)."""
    mask = np.zeros(shape, bool)
    top, left, side = (int(v) for v in patch)
    mask[top:top + side, left:left + side] = True
    if size is None:
        return mask
    height, width = (size, size) if isinstance(size, int) else size
    img = Image.fromarray(mask.astype(np.uint8) * 255).resize((width, height), Image.NEAREST)
    return np.asarray(img) > 127


def load_image(path: str | Path, size: int | tuple[int, int] | None = None,
               patch=None) -> np.ndarray:
    """One image as a ``height x width x 3`` uint8 RGB array; ``patch`` (``[top, left, side]``)
    pastes the planted checkerboard first (see ``ucmerced-planted``); ``size`` (an int for a
    square, or ``(height, width)``) resizes it bilinearly."""
    with Image.open(path) as img:
        img = img.convert("RGB")
        if patch is not None:
            img = Image.fromarray(paste_patch(np.asarray(img), patch))
        if size is not None:
            height, width = (size, size) if isinstance(size, int) else size
            img = img.resize((width, height), Image.BILINEAR)
        return np.asarray(img, dtype=np.uint8)


def read_images(ds: Dataset, size: int, rows=None) -> np.ndarray:
    """The images of ``ds`` (``rows``: a subset) at ``size`` x ``size``, uint8, with the planted
    patch pasted where ``meta["patches"]`` has one."""
    paths = ds.meta.get("image_paths")
    if paths is None:
        raise ValueError(f"dataset {ds.name!r} has no meta['image_paths']; the image models read "
                         "pixels (use ucmerced-aitlas or ucmerced-planted)")
    patches = ds.meta.get("patches") or [None] * len(paths)
    rows = range(len(paths)) if rows is None else rows
    return np.stack([load_image(paths[i], size, patches[i]) for i in rows]) if len(rows) else \
        np.zeros((0, size, size, 3), np.uint8)


def image_shape(ds: Dataset, row: int) -> tuple[int, int]:
    """(height, width) of row ``row``'s image as stored (before any resizing)."""
    with Image.open(ds.meta["image_paths"][row]) as img:
        return img.size[1], img.size[0]


def read_labels(zip_path: Path) -> tuple[list[str], list[str], np.ndarray]:
    """Image names, the 17 label names and the 0/1 label matrix from ``multilabels.zip``.
    Raises :class:`ParseError` naming the member and line of a malformed row."""
    where = f"{zip_path}!{LABELS_MEMBER}"
    with zipfile.ZipFile(zip_path) as zf:
        if LABELS_MEMBER not in zf.namelist():
            raise ParseError(zip_path, None, f"the archive has no {LABELS_MEMBER!r}; restore the "
                             f"original multilabels.zip")
        lines = zf.read(LABELS_MEMBER).decode("utf-8").splitlines()
    header = lines[0].split("\t")
    labels = [h.strip() for h in header[1:]]
    names, Y = _label_rows(lines, where, len(labels))
    return names, labels, Y


def _label_rows(lines: list[str], where, n_labels: int) -> tuple[list[str], np.ndarray]:
    """The rows after the header of a tab-separated "name, 0/1 per label" table: image names
    and the 0/1 matrix. Raises :class:`ParseError` naming ``where`` and the line of a bad row."""
    names, rows = [], []
    for line_no, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.strip().split("\t")
        if len(fields) != n_labels + 1:
            raise ParseError(where, line_no, f"{len(fields)} tab-separated fields, expected "
                             f"{n_labels + 1} (an image name and {n_labels} labels)")
        if any(v not in ("0", "1") for v in fields[1:]):
            raise ParseError(where, line_no, f"label values must be 0 or 1, got {fields[1:]}")
        names.append(fields[0])
        rows.append([v == "1" for v in fields[1:]])
    return names, np.array(rows, dtype=np.float32).reshape(-1, n_labels)


def read_manifest(path: Path) -> dict[str, dict]:
    """The image manifest, keyed by image name (file stem): ``jpg_path`` and ``jpg_sha256``."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        missing = {"jpg_path", "jpg_sha256"} - set(reader.fieldnames or ())
        if missing:
            raise ParseError(path, 1, f"header lacks the columns {sorted(missing)}")
        entries = {}
        for row in reader:
            if row["jpg_sha256"] is None or len(row["jpg_sha256"]) != 64:
                raise ParseError(path, reader.line_num, f"expected a 64-hex-digit jpg_sha256, "
                                 f"got {row['jpg_sha256']!r}")
            entries[Path(row["jpg_path"]).stem] = row
    return entries


def image_features(data: bytes) -> np.ndarray:
    """The 312 features of one encoded image (see the module docstring)."""
    with Image.open(io.BytesIO(data)) as img:
        img = img.convert("RGB")
        # PIL's histogram is 256 counts per channel, computed in C; 16 adjacent counts form a bin.
        counts = np.asarray(img.histogram(), np.float64).reshape(3, COLOUR_BINS, -1).sum(axis=2)
        grey_img = img.convert("L")
        thumb = np.asarray(grey_img.resize((THUMBNAIL, THUMBNAIL), Image.BOX), np.float64) / 255
        grey = np.asarray(grey_img, np.float32)
    colour = counts.ravel() / grey.size
    gy, gx = np.gradient(grey)
    magnitude = np.hypot(gx, gy).ravel()
    bins = np.searchsorted(GRADIENT_EDGES[1:-1], magnitude, side="right")
    gradient = np.bincount(bins, minlength=len(GRADIENT_EDGES) - 1) / grey.size
    blocks = [colour, gradient, thumb.ravel()]
    return np.concatenate([b / max(np.linalg.norm(b), 1e-12) for b in blocks])


def feature_names() -> list[str]:
    colour = [f"{c}_hist_{b:02d}" for c in "rgb" for b in range(COLOUR_BINS)]
    gradient = [f"gradient_hist_{lo:g}-{hi:g}" for lo, hi in zip(GRADIENT_EDGES[:-1], GRADIENT_EDGES[1:])]
    thumb = [f"thumb_{r:02d}_{c:02d}" for r in range(THUMBNAIL) for c in range(THUMBNAIL)]
    return colour + gradient + thumb


def read_ucmerced(paths: dict[str, Path], spec: DatasetSpec) -> dict[str, Dataset]:
    """Reader for the registry: all 2,100 images (no split), verified against the manifest."""
    names, labels, Y = read_labels(Path(paths[LABELS_FILE.path]))
    manifest_path = Path(paths[MANIFEST_FILE.path])
    manifest = read_manifest(manifest_path)
    unknown = [n for n in names if n not in manifest]
    if unknown or len(manifest) != len(names):
        raise ParseError(
            manifest_path, None,
            f"the manifest lists {len(manifest)} images and the label file "
            f"{len(names)}; images without a manifest entry: {unknown[:5]}"
        )
    root = manifest_path.parent
    image_paths, features = [], []
    for name in names:
        entry = manifest[name]
        path = root / entry["jpg_path"]
        if not path.is_file():
            raise MissingDataFile(
                f"UC Merced image {path} is missing. The JPEG images exist only in the data "
                f"mirror (next to images_manifest.tsv); point the data directory at the mirror"
            )
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry["jpg_sha256"]:
            raise ChecksumError(f"UC Merced image {path}: sha256 {digest} differs from the manifest's "
                             f"{entry['jpg_sha256']}; the copy is corrupt, restore it from the mirror")
        image_paths.append(str(path))
        features.append(image_features(data))
    groups_text = [Path(p).parent.name for p in image_paths]
    classes = sorted(set(groups_text))
    data = Dataset(name=spec.name, split="all", X=sp.csr_matrix(np.array(features, np.float32)),
                   Y=Y, feature_names=feature_names(), label_names=labels,
                   groups=np.searchsorted(classes, groups_text), group_names=classes,
                   meta={"image_paths": image_paths, "image_name": names})
    return {"all": data}


AITLAS_COMMIT = "b640d13cd645e72d6017223ec584a3e30095fdf8"
AITLAS_FILES = {
    part: DataFile(
        path=f"ucmerced_multilabel/aitlas_splits/ucmercedmultilabel_{name}.csv", sha256=digest,
        url=f"https://raw.githubusercontent.com/biasvariancelabs/aitlas-arena/{AITLAS_COMMIT}/"
            f"splits/ucmercedmultilabel_{name}.csv")
    for part, name, digest in (
        ("train", "train", "538222f86ac8290a7ab3e8db762cf6daaab1bb71ded039fb901157e4ab5a3c76"),
        ("valid", "val", "95b62ede8fac076d62272cd3b36875124ab2ae2e79ed24e06269bd24375b390d"),
        ("test", "test", "c36acffa6d156d1485eb677209341b5fa0f01a547a1309f486fbe576f829fd14"))
}


def read_split_file(path: Path, labels: list[str]) -> tuple[list[str], np.ndarray]:
    """Image names and 0/1 labels of one AiTLAS split file (tab-separated, a header
    ``IMAGE\\LABEL`` + the 17 label names). Raises :class:`ParseError` naming the file and line."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    if not lines:
        raise ParseError(path, 1, "the file is empty; expected a header and one row per image")
    header = [h.strip() for h in lines[0].split("\t")]
    if header[1:] != labels:
        raise ParseError(path, 1, f"header labels {header[1:]} differ from the label file's {labels}")
    return _label_rows(lines, path, len(labels))


def _aitlas_parts(paths: dict[str, Path], spec: DatasetSpec) -> dict[str, Dataset]:
    whole = read_ucmerced(paths, spec)["all"]
    row_of = {n: i for i, n in enumerate(whole.meta["image_name"])}
    parts, seen = {}, {}
    for part, file in AITLAS_FILES.items():
        path = Path(paths[file.path])
        names, Y = read_split_file(path, whole.label_names)
        rows = []
        for line_no, (name, y) in enumerate(zip(names, Y), start=2):
            if name not in row_of:
                raise ParseError(path, line_no, f"image {name!r} is not in the label file")
            if name in seen:
                raise ParseError(path, line_no, f"image {name!r} is also in the {seen[name]} split")
            if not np.array_equal(y, whole.Y[row_of[name]].toarray().ravel()):
                raise ParseError(path, line_no, f"the labels of {name!r} differ from the label file's")
            seen[name] = part
            rows.append(row_of[name])
        parts[part] = whole.subset(rows, split=part)
    if len(seen) != len(whole):
        raise ParseError(Path(paths[AITLAS_FILES["test"].path]).parent, None,
                         f"the three split files list {len(seen)} of the {len(whole)} images")
    return parts


def read_aitlas(paths: dict[str, Path], spec: DatasetSpec) -> dict[str, Dataset]:
    """Reader for ``ucmerced-aitlas``: the AiTLAS train / valid / test parts."""
    return _aitlas_parts(paths, spec)


def read_planted(paths: dict[str, Path], spec: DatasetSpec) -> dict[str, Dataset]:
    """Reader for ``ucmerced-planted`` (see the module docstring): seeded subsets of the AiTLAS
    parts, half of each with the checkerboard pasted, and the label ``planted-patch``."""
    rng = np.random.default_rng(PLANTED_SEED)
    out = {}
    for part, ds in _aitlas_parts(paths, spec).items():
        ds = ds.subset(np.sort(rng.choice(len(ds), PLANTED_SIZES[part], replace=False)), split=part)
        planted = np.zeros(len(ds), bool)
        planted[rng.choice(len(ds), len(ds) // 2, replace=False)] = True
        patches = []
        for i, path in enumerate(ds.meta["image_paths"]):
            if not planted[i]:
                patches.append(None)
                continue
            with Image.open(path) as img:
                width, height = img.size
            patches.append([int(rng.integers(0, height - PATCH_SIDE + 1)),
                            int(rng.integers(0, width - PATCH_SIDE + 1)), PATCH_SIDE])
        Y = sp.hstack([ds.Y, sp.csr_matrix(planted.astype(np.float32)[:, None])]).tocsr()
        out[part] = Dataset(name=spec.name, split=part, X=ds.X, Y=Y, feature_names=ds.feature_names,
                            label_names=[*ds.label_names, PLANTED_LABEL], groups=ds.groups,
                            group_names=ds.group_names, meta={**ds.meta, "patches": patches})
    return out


_AITLAS_SOURCE = ("Labels: Chaudhuri et al. 2017; images: Yang and Newsam 2010 (JPEG re-encodings in "
                  "the data mirror); split: the AiTLAS benchmark, biasvariancelabs/aitlas-arena "
                  f"commit {AITLAS_COMMIT[:7]} (splits/ucmercedmultilabel_*.csv)")

SPECS = [
    DatasetSpec(
        name="ucmerced",
        title="UC Merced multi-label: aerial images x 17 object labels, 21 land-use classes",
        files=(LABELS_FILE, MANIFEST_FILE),
        reader=read_ucmerced,
        format="zip with a tab-separated 0/1 label table; JPEG images listed in a TSV manifest",
        source="Labels: Chaudhuri et al. 2017 (multilabels.zip from the GitHub repository "
               "rsim-tu-berlin/bigearth.eu); images: UC Merced Land Use (Yang and Newsam 2010), "
               "JPEG re-encodings of the original TIFFs in the data mirror",
        citation="chaudhuri2017multilabel,yang2010bag",
        licence="Research use; cite Chaudhuri et al. 2017 for the labels and Yang and Newsam 2010 "
                "for the images",
        split="no split in the source: a seeded random 80/20 train/test split drawn by the "
              "registry",
        expected={"rows": 2100, "train": 1680, "test": 420, "features": 312, "labels": 17,
                  "cardinality": 3.33, "empty_rows": 0},
        notes="Features: 16-bin RGB histograms, 8-bin gradient-magnitude histogram, 16x16 grey "
              "thumbnail, each block L2-normalised. Images verified against the manifest sha256.",
    ),
    DatasetSpec(
        name="ucmerced-aitlas",
        title="UC Merced multi-label with the AiTLAS benchmark split (train / validation / test)",
        files=(LABELS_FILE, MANIFEST_FILE, *AITLAS_FILES.values()),
        reader=read_aitlas,
        format="as ucmerced, plus three tab-separated split files (image name, 17 0/1 labels)",
        source=_AITLAS_SOURCE,
        citation="chaudhuri2017multilabel,yang2010bag,dimitrovski2023aitlas",
        licence="as ucmerced; the AiTLAS split files are MIT-licensed",
        split="the AiTLAS split: train 1,285, validation 395, test 420 (its validation split is "
              "the one the registry gives)",
        expected={"rows": 2100, "train": 1680, "test": 420, "features": 312, "labels": 17,
                  "cardinality": 3.33, "empty_rows": 0},
        notes="Features as ucmerced. The split files' labels are checked against the label file.",
    ),
    DatasetSpec(
        name="ucmerced-planted",
        title="Planted-signal check: UC Merced images, half with a pasted checkerboard that "
              "decides an 18th label",
        files=(LABELS_FILE, MANIFEST_FILE, *AITLAS_FILES.values()),
        reader=read_planted,
        format="as ucmerced-aitlas; the patches are drawn by the reader (seeded)",
        source=_AITLAS_SOURCE + "; the patch is synthetic",
        citation="chaudhuri2017multilabel,yang2010bag,dimitrovski2023aitlas",
        licence="as ucmerced-aitlas",
        split="seeded subsets of the AiTLAS parts: train 400, validation 100, test 100",
        expected={"rows": 600, "train": 500, "test": 100, "features": 312, "labels": 18,
                  "cardinality": 3.8, "empty_rows": 0},
        notes="A 64 x 64 magenta / lime checkerboard at a seeded random position in half of the "
              "images of each part; label 18 (planted-patch) is 1 exactly there. X ignores the patch.",
    ),
]
