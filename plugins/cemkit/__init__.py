"""cemkit: Customer Experience Management knowledge and playbooks, from YAML to a validated site.

The public surface (everything else lives in `cemkit._internal` and may change):

- `Project` loads and links a project folder once (`load`, giving `Content`) and produces the
  complete source of each language's site (`sites`, one `SiteSource` per `SiteSpec`): pages, data,
  downloads, assets and figures, or the error page when the content is broken. Engines read the
  source's files; `export_site` writes them as plain projects. `load_project` only loads and links.
- Problems: a `Diagnostic` is one `path:line:col: message` of a `Severity`; `ContentInvalid`
  carries a sorted list of them; `CemkitError` is the base of every error raised.
- Content: the `KnowledgeBase` of linked `CaseStudy`, `Playbook`, `Role` and `Term` models, with
  `LocalizedText` in each of the `LANGUAGES`.

The MkDocs and ProperDocs plugin is registered as `cem` (`cemkit._internal.adapters.mkdocs`); it is
not imported here, so using the core never imports MkDocs.
"""

from __future__ import annotations

from cemkit._internal.adapters.export import export_site
from cemkit._internal.build.project import Content, Project, load_project
from cemkit._internal.build.source import SiteSource, SiteSpec
from cemkit._internal.content.diagnostics import CemkitError, ContentInvalid, Diagnostic, Severity
from cemkit._internal.content.knowledge import KnowledgeBase
from cemkit._internal.content.lint import LintOptions
from cemkit._internal.content.models import (
    LANGUAGES,
    CaseStudy,
    LocalizedText,
    Playbook,
    ReferenceItem,
    Role,
    Term,
)

__all__ = [
    "LANGUAGES",
    "CaseStudy",
    "CemkitError",
    "Content",
    "ContentInvalid",
    "Diagnostic",
    "KnowledgeBase",
    "LintOptions",
    "LocalizedText",
    "Playbook",
    "Project",
    "ReferenceItem",
    "Role",
    "Severity",
    "SiteSource",
    "SiteSpec",
    "Term",
    "export_site",
    "load_project",
]
