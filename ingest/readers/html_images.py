"""Tables, figures and boxes a web page shows only as an image: what their label is and where they are.

A quoted sentence that says "(Table 3)" cannot be answered from a picture, but the reader can be sent to it:
an answer links the label to the source page at the image's anchor. Found by structure: an element with an
anchor (`name` or `id`) whose text is a label, followed by an image whose alternative text names the same
label ("<a name="tab3">Table 3</a> … <img alt="Table 3">"). Nothing is read from the image itself.
"""

from __future__ import annotations

import re

from bs4 import Tag

from ingest.models import SourceImage

LABEL = re.compile(r"(?:Table|Figure|Box|Appendix|Exhibit)\s+[A-Z]?\d+[A-Za-z]?", re.I)
_LOOKAHEAD = 6  # elements searched after the label for its image: the <br>s and <b> that old pages set between


def _anchor(tag: Tag) -> str | None:
    value = tag.get("name") or tag.get("id")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _image_after(tag: Tag) -> Tag | None:
    """The first image after `tag` among the next few elements, unless another anchor comes first."""
    for seen, following in enumerate(tag.find_all_next(True)):
        if seen >= _LOOKAHEAD:
            return None
        if following.name == "img":
            return following
        if following.name == "a" and _anchor(following):
            return None
    return None


def image_labels(root: Tag) -> tuple[SourceImage, ...]:
    """Each label shown as an image under `root`, once, in document order, with its anchor."""
    found: dict[str, SourceImage] = {}
    for tag in root.find_all(lambda t: t.has_attr("name") or t.has_attr("id")):
        anchor = _anchor(tag)
        label = " ".join(tag.get_text(" ").split())
        if not anchor or not LABEL.fullmatch(label):
            continue
        image = _image_after(tag)
        alt = " ".join(str(image.get("alt", "")).split()) if image is not None else ""
        if alt.casefold().startswith(label.casefold()) and label.casefold() not in found:
            found[label.casefold()] = SourceImage(label=label, anchor=anchor)
    return tuple(found.values())
