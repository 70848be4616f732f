"""Learner-facing text for errors raised inside frameworks (Keras, TensorFlow, gymnasium, scikit-learn).

``clean_framework_error`` turns a framework's exception text into one short line: no ANSI
fragments, no "Arguments received by ..." dumps, no graph-execution stack, KerasTensor reprs
reduced to their shape. ``advice_for`` maps the known traps of the statements ("Traps an
interviewer asks about") to one line of advice. Both are plain string functions: this module
imports no framework.
"""
from __future__ import annotations

import re

from .i18n import _

MAX_CHARS = 300

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|\[\d{1,2}(?:;\d{1,3})*m")
_KERAS_TENSOR = re.compile(r"'?<KerasTensor shape=(\([^)]*\))[^>]*>'?")
_FUNCTION_NODE = re.compile(r"\{\{function_node [^}]*\}\}\s*")
_NODE_OP = re.compile(r"'\{\{node [^}]*\}\} = (\w+)[^']*'")
_NODE_REF = re.compile(r"\s*\[\[\{\{node [^}]*\}\}\]\]")
_OP_TAG = re.compile(r"\s*\[Op:[^\]]*\](?:\s*name:\s*\S*)?")
_CALLING = re.compile(r"^Exception encountered when calling (?:layer )?['\"]?([\w.]+?)['\"]?(?:\.call\(\))?"
                      r"(?: \(type \w+\))?\.?$")
_DROP_LINE = re.compile(r"^(Graph execution error:|Detected at node .* defined at \(most recent call last\):|"
                        r"in user code:|Traceback \(most recent call last\):)$")


def _strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def clean_framework_error(text: str) -> str:
    """The informative part of a framework's error message, on one line of at most ~300 characters."""
    text = _strip_ansi(str(text))
    text = text.split("Arguments received by", 1)[0]
    text = _KERAS_TENSOR.sub(r"<KerasTensor shape=\1>", text)
    text = _FUNCTION_NODE.sub("", text)
    text = _NODE_OP.sub(r"\1", text)
    text = _NODE_REF.sub("", text)
    text = _OP_TAG.sub("", text)
    kept, where = [], ""
    lines = text.splitlines()
    skip_indent = None  # drop the source line printed under a 'File "..."' line
    for line in lines:
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if skip_indent is not None:
            if stripped and indent > skip_indent:
                skip_indent = None
                continue
            skip_indent = None
        if stripped.startswith('File "'):
            skip_indent = indent
            continue
        calling = _CALLING.match(stripped)
        if calling:
            where = calling.group(1)
            continue
        node = re.match(r"^Detected at node (\S+) defined at", stripped)
        if node:
            parts = node.group(1).split("/")
            where = where or "node " + "/".join(x for i, x in enumerate(parts) if i == 0 or x != parts[i - 1])
        if not stripped or _DROP_LINE.match(stripped):
            continue
        kept.append(stripped)
    body = " ".join(kept)
    if not body:  # everything was stack (a message cut before its last line): say what is left
        first = next((line.strip() for line in lines if line.strip()), "").rstrip(":")
        body = _("{first} (the rest of the message was cut off)").format(first=first) if first else ""
    if where:
        body += _(" (in {where})").format(where=where)
    body = re.sub(r"\s+", " ", body).strip()
    return body if len(body) <= MAX_CHARS else body[:MAX_CHARS - 3].rstrip() + "..."


# --------------------------------------------------------------------------- advice

def _shape(text: str) -> tuple[int | None, ...]:
    return tuple(None if part.strip() in ("None", "") else int(part) for part in text.split(",") if part.strip())


def _statement(slug: str) -> str:
    return _(" (Traps in `python grade.py show {slug}`)").format(slug=slug) if slug else ""


def _target_output(text: str, slug: str) -> str | None:
    """Keras' loss check 'target.shape=(...), output.shape=(...)': integer labels or a shrunken map."""
    found = re.search(r"target\.shape=\(([^)]*)\), output\.shape=\(([^)]*)\)", text)
    if not found:
        return None
    try:
        target, output = _shape(found.group(1)), _shape(found.group(2))
    except ValueError:
        return None
    integer_labels = (len(target) == len(output) - 1 and target == output[:-1]) or (
        len(target) == len(output) and target[:-1] == output[:-1] and target[-1] == 1 and (output[-1] or 2) > 1)
    if integer_labels:
        return (_("integer labels need loss='sparse_categorical_crossentropy': categorical_crossentropy expects "
                "one-hot labels") + _statement(slug))
    if len(target) == len(output) >= 3 and target[-1] == output[-1] and target[1:-1] != output[1:-1]:
        return (_("the output map is smaller than the labels: each convolution without padding='same' trims the "
                "border, so use padding='same' to keep the input's height and width") + _statement(slug))
    return None


def _input_shape(text: str, slug: str) -> str | None:
    if "is incompatible with the layer" not in text:
        return None
    if slug == "dcgan" or slug == "wgan_gp":
        return (_("the generator's output does not have the shape the discriminator expects: a stride-2 Conv2D "
                "halves the map, only Conv2DTranspose or UpSampling2D grow it") + _statement(slug))
    if "expected ndim=3, found ndim=2" in text:
        return (_("this layer reads sequences of shape (batch, time, features): reshape (n, window) data to "
                "(n, window, 1) and start the model with keras.Input((window, 1))") + _statement(slug))
    return (_("the data does not have the shape the model's first layer expects: start the model with "
            "keras.Input(shape) where shape is one sample's shape, without the batch axis") + _statement(slug))


def advice_for(text: str, slug: str) -> str | None:
    """One line of advice for a known trap behind this error text, or None."""
    text = _NODE_OP.sub(r"\1", _strip_ansi(str(text)))
    for check in (_target_output, _input_shape):
        advice = check(text, slug)
        if advice:
            return advice
    if "Computed output size would be zero or negative" in text or "Negative dimension size" in text \
            or "output is <= 0" in text:
        return (_("valid padding shrinks the map at every convolution and pooling until nothing is left: use "
                "padding='same', fewer stages or global pooling") + _statement(slug))
    if "Cannot convert" in text and "to a shape" in text:
        return (_("a shape must be a tuple: (n) is just n, write keras.Input((n,)) with the comma") + _statement(slug))
    if "Data cardinality is ambiguous" in text:
        sizes = re.findall(r"'(\w+)' sizes: ([\d, ]+)", text)
        counts = ", ".join(f"{name}: {size.strip()}" for name, size in sizes)
        return (_("fit got x and y with different numbers of samples{counts}: give one label per input row").format(
            counts=f" ({counts})" if counts else "") + _statement(slug))
    if "`factor` argument should be a number" in text:
        return (_("RandomRotation's factor is a fraction of a full turn, not degrees: 15 degrees is "
                "RandomRotation(15 / 360)") + _statement(slug))
    if "no attribute 'ImageDataGenerator'" in text:
        return (_("ImageDataGenerator is not in Keras 3: use preprocessing layers such as keras.layers.RandomFlip "
                "and RandomRotation") + _statement(slug))
    if "module 'tensorflow' has no attribute 'log'" in text:
        return _("TensorFlow 2 has no tf.log: use tf.math.log") + _statement(slug)
    if re.search(r"(Incompatible shapes: |with input shapes: )(\[\d+,1\](, | vs\. )\[\d+(,\d+){3}\]|"
                 r"\[\d+(,\d+){3}\](, | vs\. )\[\d+,1\])", text):
        return (_("a per-sample factor must have shape (B, 1, 1, 1) to broadcast over a batch of images "
                "(B, H, W, C); (B, 1) does not") + _statement(slug))
    if "too many values to unpack (expected 4)" in text and slug in ("q_learning", "reinforce", "actor_critic"):
        return (_("gymnasium's env.step returns five values: obs, reward, terminated, truncated, info "
                "(and env.reset returns (obs, info))") + _statement(slug))
    if "'Box' object has no attribute 'n'" in text:
        return (_("a continuous observation space (Box) has no .n: a Q-table needs a discrete environment "
                "such as FrozenLake") + _statement(slug))
    if "Found unknown categories" in text:
        return (_("a category unseen in training reached OneHotEncoder: use OneHotEncoder(handle_unknown='ignore')") + _statement(slug))
    if re.search(r"Received a label value of -?\d+ which is outside the valid range", text):
        return (_("a label is outside [0, number of classes): the output layer needs one unit per class") + _statement(slug))
    if re.search(r"indices\[[\d,]+\] = -?\d+ is not in \[0, \d+\)", text):
        return (_("a token id is not below the Embedding's input_dim: size it to the vocabulary, padding and OOV "
                "ids included") + _statement(slug))
    if "No module named 'gym'" in text:
        return _("use gymnasium (import gymnasium as gym), the maintained successor of gym") + _statement(slug)
    return None


def with_advice(line: str, raw: str, slug: str) -> str:
    """``line`` (an already cleaned error line) followed by the advice for ``raw``'s trap, if one is known."""
    advice = advice_for(raw, slug)
    return _("{line} - hint: {advice}").format(line=line, advice=advice) if advice else line
