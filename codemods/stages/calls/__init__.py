"""The call-sites codemod, in parts: `codemod` assembles them; `state` holds what they
share; `methods`, `constructors`, `mocks` and `annotations` rewrite one kind of site each;
`layout` keeps rewritten calls within the line limit; `import_switch` fixes the imports."""

from codemods.stages.calls.codemod import CallsCodemod

__all__ = ["CallsCodemod"]
