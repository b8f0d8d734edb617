"""cemkit: Customer Experience Management knowledge and playbooks, from YAML to a validated site.

A tour of the public surface:

- Building: `build_site` runs load -> link -> render for a project folder; `load_project` stops
  after linking. Both return a `BuildResult` with the `KnowledgeBase` and every `Diagnostic`.
- Problems: a `Diagnostic` is one `path:line:col: message`; `ContentInvalid` carries a sorted
  list of them; `CemkitError` is the base of every error raised.
- Content: the models (`CaseStudy`, `Playbook`, ...) live in `cemkit._internal.content.models`; the MkDocs adapter
  is `cemkit._internal.adapters.mkdocs.CemkitPlugin`, registered as the `cem` plugin.
"""

from __future__ import annotations

from cemkit._internal.build.project import BuildResult, build_site, load_project
from cemkit._internal.content.diagnostics import CemkitError, ContentInvalid, Diagnostic, Severity
from cemkit._internal.content.knowledge import KnowledgeBase

__all__ = [
    "BuildResult",
    "CemkitError",
    "ContentInvalid",
    "Diagnostic",
    "KnowledgeBase",
    "Severity",
    "build_site",
    "load_project",
]
