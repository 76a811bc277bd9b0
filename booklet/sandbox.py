"""Where templates from outside booklet run: a project's own templates/ and the
invitation templates in content/mail/.

They are code written by whoever wrote the project, so they run in Jinja's immutable
sandbox with four walls of booklet's own:

- plain data only: a template reaches strings, numbers, dates, lists, mappings and the
  booklet's own view objects (each only through its own fields and methods), nothing
  else: no paths, no loaded files, no pydantic machinery, no modules;
- files only from the project's templates/ folder (links resolved, regular files, with
  a size limit) and booklet's own templates;
- bounded work: every loop step, call, attribute and include is counted against a
  budget, and no value (text, list) may grow past a limit, checked before the work that
  would make it where it can be foreseen;
- every failure is a BookletError naming the template file and line.
"""

from __future__ import annotations

import contextvars
import datetime
import re
import time
import traceback
import weakref
from collections.abc import Callable, Iterable, Iterator, Sized
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import BuiltinMethodType, MethodType

from jinja2 import (
    BaseLoader,
    TemplateNotFound,
    TemplateSyntaxError,
    Undefined,
    nodes,
    pass_context,
)
from jinja2.runtime import BlockReference, LoopContext, Macro, Namespace, TemplateReference
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

from .errors import BookletError, display_path
from .files import read_regular_file

# Far above what the default templates need for the largest booklet (measured with
# benchmarks/conference_generator.py: 1,000 talks take about 110,000 steps).
MAX_STEPS = 1_000_000
# The longest text or list a template may make in one operation: a whole abstract is
# a few thousand characters, the booklet's HTML a few million.
MAX_LENGTH = 5_000_000
# What all of a render's operations together may make, and how long it may take.
MAX_MADE = 200_000_000
MAX_SECONDS = 60.0
# The whole output of one render: the HTML of a 1,000-talk booklet is 2.5 million.
MAX_OUTPUT = 50_000_000
MAX_TEMPLATE_BYTES = 1_000_000
MAX_RANGE = 100_000
# The largest whole number a template may compute with: a page count, a year, an id
# are far smaller. Arithmetic on numbers of millions of digits takes minutes a step.
MAX_INT_BITS = 256

# Values a template may hold and look into. Markup is a str; bool an int.
PLAIN_TYPES = (str, int, float, type(None), datetime.date, list, tuple, dict)
# Jinja's own objects that a template sees: the loop, macros, `self`, namespace().
JINJA_TYPES = (LoopContext, Macro, Namespace, TemplateReference, BlockReference)


class TemplateProblem(BookletError):
    """A project's template failed or was refused; the message names file and line."""


class TemplateBudgetExceeded(SecurityError):
    """The template does more work, or makes larger values, than any booklet needs."""


# --- the budget of one render -----------------------------------------------------------


class Budget:
    def __init__(self) -> None:
        self.steps = 0
        self.made = 0
        self.printed = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def step(self, count: int = 1) -> None:
        before, self.steps = self.steps, self.steps + count
        if self.steps > MAX_STEPS:
            raise TemplateBudgetExceeded(
                f"the template does too much work (more than {MAX_STEPS:,} steps: loops, "
                "calls, includes); a booklet's templates need far fewer"
            )
        if self.steps // 1024 != before // 1024 and time.monotonic() > self.deadline:
            raise TemplateBudgetExceeded(f"the template ran longer than {MAX_SECONDS:.0f} s")

    def print(self, length: int) -> None:
        self.printed += length
        if self.printed > MAX_OUTPUT:
            raise TemplateBudgetExceeded(
                f"the template prints more than {MAX_OUTPUT:,} characters; a booklet's HTML "
                "is a few million"
            )

    def make(self, length: int) -> None:
        """Before (or right after) a value of `length` characters or items is made."""
        if length > MAX_LENGTH:
            raise TemplateBudgetExceeded(
                f"the template makes a value of {length:,} characters or items "
                f"(at most {MAX_LENGTH:,})"
            )
        self.made += length
        if self.made > MAX_MADE:
            raise TemplateBudgetExceeded(
                f"the template makes more than {MAX_MADE:,} characters or items in all"
            )
        self.step()


_budget: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("budget", default=None)


def _charge() -> Budget:
    # Outside budgeted() (a template compiled ahead of rendering): a budget of its own.
    return _budget.get() or Budget()


SIZED = (str, bytes, list, tuple, dict)


def _size(value: object) -> int:
    return len(value) if isinstance(value, SIZED) else 0


def _check_made(value: object) -> object:
    """Charge a value made by an operation: its length, and its items' (a filter like
    batch() makes a list of one list of millions)."""
    if isinstance(value, SIZED):
        inner = sum(map(_size, value)) if isinstance(value, (list, tuple)) else 0
        _charge().make(len(value) + inner)
    elif isinstance(value, int) and abs(value).bit_length() > MAX_INT_BITS:
        raise TemplateBudgetExceeded("a number too large for a template to make")
    return value


# --- foreseeing the size of what an operation makes ------------------------------------

_FORMAT_WIDTH = re.compile(
    r"%(?:\([^()]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?|\{[^{}]*?[:!][^{}]*?(\d+)"
)
_NESTED_FORMAT = re.compile(r"\{[^{}]*\{")  # '{0:{1}}': a width from an argument
# Methods and filters whose result can be their text times a parameter.
_EXPANDING = {"expandtabs", "translate", "indent", "do_indent", "center", "do_center"}
_FORMATTING = {"format", "format_map", "do_format", "__mod__"}


def _foresee(name: str, subject: object, parameters: tuple) -> None:
    """Refuse, before it runs, a call that would make a value past the limit: a width
    of a billion (center, ljust, indent, '%9999999999s'), a replace that multiplies, a
    join with a long separator. `subject` is what a method or filter works on."""
    budget = _charge()
    # What the call works through costs steps: sorting a long list in a loop is work
    # (a filter may call back into Python for each item), going through text is cheap.
    budget.step(1 + (_size(subject) // 1000 if isinstance(subject, str) else _size(subject) // 4))
    numbers = [p for p in parameters if isinstance(p, int)]
    if any(abs(number) > MAX_LENGTH for number in numbers):
        raise TemplateBudgetExceeded(
            f"a number as large as {max(numbers, key=abs):,} is more than a template needs "
            f"(at most {MAX_LENGTH:,})"
        )
    if name in _FORMATTING and isinstance(subject, str):
        widths = [w for match in _FORMAT_WIDTH.finditer(subject) for w in match.groups() if w]
        if "*" in widths or _NESTED_FORMAT.search(subject):
            raise TemplateBudgetExceeded("a format width taken from an argument")
        budget.make(len(subject) + sum(int(width) for width in widths))
    if name in _EXPANDING and isinstance(subject, str):
        # At most the text times the largest width or replacement it is given.
        tables = [p for p in parameters if isinstance(p, dict)]
        lengths = [_size(value) for table in tables for value in table.values()]
        budget.make(
            len(subject)
            * max([1, *numbers, *(len(p) for p in parameters if isinstance(p, str)), *lengths])
        )
    adds_sequences = any(isinstance(p, (str, list, tuple)) for p in parameters)
    if name in ("do_sum", "sync_do_sum") and adds_sequences:
        # Adding lists one to the next copies each sum again: quadratic in the items.
        raise TemplateBudgetExceeded("sum() of lists or texts; join or a loop does it")
    strings = [p for p in parameters if isinstance(p, str)]
    if name in ("replace", "do_replace") and isinstance(subject, str) and len(strings) >= 2:
        old, new = strings[0], strings[1]
        count = subject.count(old) if old else len(subject) + 1
        budget.make(len(subject) + count * max(len(new) - len(old), 0))
    elif name == "join" and isinstance(subject, str) and parameters:
        budget.make(_joined_length(subject, parameters[0]))
    elif name == "do_join" and isinstance(subject, (str, list, tuple, dict)):
        budget.make(_joined_length(strings[0] if strings else "", subject))


def _joined_length(separator: str, parts: object) -> int:
    if not isinstance(parts, (str, list, tuple, dict)):
        return 0
    return len(separator) * len(parts) + sum(_size(part) for part in parts)


# --- the environment --------------------------------------------------------------------


class _Bounded(NodeTransformer):
    """Rewrites a parsed template so that every loop counts its steps and every joined
    text (`a ~ b`) is measured: the two things no sandbox hook sees."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _filter_node(node.iter, "_booklet_counted")
        return node

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        self.generic_visit(node)
        # Text written in the template counts too: printed in a loop it adds up as well.
        node.nodes = [_filter_node(child, "_booklet_printed") for child in node.nodes]
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _filter_node(node, "_booklet_measured")


def _filter_node(node: nodes.Expr, name: str) -> nodes.Filter:
    wrapped = nodes.Filter(node, name, [], [], None, None, lineno=node.lineno)
    wrapped.set_environment(node.environment)
    return wrapped


@pass_context  # never folded into a constant when the template is compiled
def _printed(context, value: object) -> object:
    """Counts what `{{ }}` prints, so that a long text printed in a loop stops at its line."""
    if isinstance(value, str):
        _charge().print(len(value))
    return value


def _counted(iterable: Iterable) -> Iterator:
    budget = _charge()
    if isinstance(iterable, Sized):
        budget.make(len(iterable))
    for item in iterable:
        budget.step()
        yield item


def _bounded_filter(function: Callable) -> Callable:
    """A filter whose arguments are checked before it runs and whose result after."""

    name = getattr(function, "__name__", "")
    # A filter that asks for the context (or environment) gets it first, then its value.
    first = 1 if hasattr(function, "jinja_pass_arg") else 0

    def bounded(*args, **kwargs):
        subject = args[first] if len(args) > first else None
        _foresee(name, subject, (*args[first + 1 :], *kwargs.values()))
        return _check_made(function(*args, **kwargs))

    if first:
        bounded.jinja_pass_arg = function.jinja_pass_arg
    return bounded


def _range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateBudgetExceeded(
            f"range() of {len(numbers):,} numbers; a template may count to {MAX_RANGE:,}"
        )
    return numbers


# The sandbox's own str.format wrappers (Jinja makes one per lookup) -> their format
# string: known by identity, so no template value can pass for one.
_FORMATTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@cache
def _own_names(kind: type) -> frozenset[str]:
    """The fields, properties and methods a view class itself defines (not those of
    object, dataclasses or pydantic's BaseModel)."""
    names: set[str] = set(getattr(kind, "model_fields", {}))
    names |= set(getattr(kind, "__dataclass_fields__", {}))
    for base in kind.__mro__:
        if base.__module__.startswith("booklet."):
            names |= set(vars(base))
    return frozenset(name for name in names if not name.startswith(("_", "model_")))


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox that lets templates see plain data and the view
    objects named in `exposed` (through their own fields and methods only)."""

    intercepted_binops = frozenset({"*", "**", "+", "%", "//", "/", "-"})

    def __init__(self, exposed: tuple[type, ...] = (), **options) -> None:
        super().__init__(**options)
        self.exposed = exposed
        # No lipsum (text without end), cycler or joiner (a loop does their job).
        self.globals = {"range": _range, "dict": dict, "namespace": Namespace}
        self.filters = {name: _bounded_filter(f) for name, f in self.filters.items()}
        self.filters["_booklet_counted"] = _counted
        self.filters["_booklet_measured"] = _check_made
        self.filters["_booklet_printed"] = _printed

    def extend_filters(self, **filters: Callable) -> None:
        self.filters.update({name: _bounded_filter(f) for name, f in filters.items()})

    # What a template may reach.

    def _is_exposed_object(self, value: object) -> bool:
        return isinstance(value, PLAIN_TYPES + JINJA_TYPES + self.exposed)

    def _is_allowed_value(self, value: object) -> bool:
        if self._is_exposed_object(value) or value in _FORMATTERS:
            return True
        if isinstance(value, (MethodType, BuiltinMethodType)):
            owner = getattr(value, "__self__", None)
            return self._is_exposed_object(owner) and self._may_reach(owner, value.__name__)
        return False

    def _may_reach(self, owner: object, name: str) -> bool:
        if isinstance(owner, self.exposed):
            return name in _own_names(type(owner))
        return True

    def is_safe_attribute(self, obj: object, attr: str, value: object) -> bool:
        return (
            super().is_safe_attribute(obj, attr, value)
            and self._is_exposed_object(obj)
            and self._may_reach(obj, attr)
            and self._is_allowed_value(value)
        )

    def is_safe_callable(self, obj: object) -> bool:
        if not super().is_safe_callable(obj):
            return False
        if isinstance(obj, (Macro, BlockReference, LoopContext)):
            return True  # the template's own macros, blocks and recursive loops
        if obj in (_range, dict, Namespace) or obj in _FORMATTERS:
            return True
        return isinstance(obj, (MethodType, BuiltinMethodType)) and self._is_allowed_value(obj)

    def getattr(self, obj, attribute):
        _charge().step()
        value = super().getattr(obj, attribute)
        return value if self._is_allowed_value(value) else self._refused(obj, attribute, value)

    def getitem(self, obj, argument):
        _charge().step()
        value = super().getitem(obj, argument)
        return value if self._is_allowed_value(value) else self._refused(obj, argument, value)

    def _refused(self, obj, name, value):
        if isinstance(value, Undefined):
            return value
        return self.unsafe_undefined(obj, str(name))

    def wrap_str_format(self, value):
        wrapper = super().wrap_str_format(value)
        if wrapper is not None:
            _FORMATTERS[wrapper] = value.__self__  # the format string, for call() to check
        return wrapper

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        name = getattr(__obj, "__name__", "")
        subject = getattr(__obj, "__self__", None)
        if subject is None and __obj in _FORMATTERS:
            subject = _FORMATTERS[__obj]
        _foresee(name, subject, (*args, *kwargs.values()))
        return _check_made(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context, operator: str, left, right):
        budget = _charge()
        budget.step()
        numbers = [n for n in (left, right) if isinstance(n, int)]
        if any(abs(number).bit_length() > MAX_INT_BITS for number in numbers):
            raise TemplateBudgetExceeded("a number too large for a template to compute with")
        if operator == "*":  # of two numbers: the product's size is checked once made
            for sequence, times in ((left, right), (right, left)):
                if isinstance(sequence, (str, bytes, list, tuple)) and isinstance(times, int):
                    budget.make(len(sequence) * max(times, 0))
        elif operator == "**" and isinstance(left, int) and isinstance(right, int):
            if right > 0 and abs(left) > 1 and left.bit_length() * right > MAX_INT_BITS:
                raise TemplateBudgetExceeded(f"{left} ** {right} is a number too large to make")
        elif operator == "+" and isinstance(left, (str, list, tuple)):
            budget.make(len(left) + _size(right))
        elif operator == "%" and isinstance(left, str):
            _foresee("__mod__", left, ())
        return _check_made(super().call_binop(context, operator, left, right))

    def get_template(self, name, parent=None, globals=None):
        _charge().step()  # an include in a loop, or a template including itself
        return super().get_template(name, parent, globals)

    def _parse(self, source, name, filename):
        return _Bounded().visit(super()._parse(source, name, filename))


# --- where project templates come from ------------------------------------------------


class ProjectTemplates(BaseLoader):
    """Templates from one folder, and from nowhere else: a name that climbs out ('..',
    '/etc/passwd') is refused, and a file that is a link out of the folder, a pipe or
    too large is refused when read."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        # The folder itself may not be a link out of the project (templates -> /etc);
        # what it is now is what it stays for this loader (watch keeps one).
        self.real_folder = self.folder.resolve()
        if not self.real_folder.is_relative_to(self.folder.parent.resolve()):
            raise TemplateProblem(
                f"{display_path(self.folder)}: the templates folder links outside the "
                "project; not read"
            )

    def get_source(self, environment, template: str):
        pieces = template.split("/")
        if (
            template.startswith("/")
            or any(piece in ("", ".", "..") for piece in pieces)
            or any(c in template for c in "\\:\0")
        ):
            raise TemplateNotFound(
                f"{template} (refused: a template is named by its path inside templates/)"
            )
        path = self.folder.joinpath(*pieces)
        if not path.exists() and not path.is_symlink():
            raise TemplateNotFound(template)
        data = read_regular_file(path, [self.real_folder], MAX_TEMPLATE_BYTES, "template")
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError:
            raise TemplateProblem(f"{display_path(path)}: the template is not UTF-8 text") from None
        modified = path.stat().st_mtime_ns
        return source, str(path), lambda: path.exists() and path.stat().st_mtime_ns == modified


class ProjectThenDefault(BaseLoader):
    """A project's templates first, then booklet's own of the same name. A default stays
    in use only while the project has no file of its name: one written later (by the
    organiser, between two builds in one process, as `watch` runs them) replaces it at
    once. Jinja's ChoiceLoader would keep the default cached, as only its file is checked."""

    def __init__(self, project: ProjectTemplates, default: BaseLoader):
        self.project, self.default = project, default

    def get_source(self, environment, template: str):
        try:
            return self.project.get_source(environment, template)
        except TemplateNotFound:
            pass
        source, filename, uptodate = self.default.get_source(environment, template)
        shadow = self.project.folder.joinpath(*template.split("/"))

        def still_default() -> bool:
            return not (shadow.exists() or shadow.is_symlink()) and bool(uptodate and uptodate())

        return source, filename, still_default


# --- rendering --------------------------------------------------------------------------


@contextmanager
def budgeted() -> Iterator[Budget]:
    """One budget for everything rendered inside."""
    budget = Budget()
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


def render(template_name: str, environment, shown_files: Callable[[str], bool], **context) -> str:
    """Render under a fresh budget; any failure becomes a TemplateProblem naming the
    template file and line where it happened."""
    try:
        with budgeted():
            return environment.get_template(template_name).render(**context)
    except TemplateProblem:
        raise
    except Exception as error:  # whatever an untrusted template does wrong is its own
        raise TemplateProblem(_located(error, shown_files)) from None


def _located(error: BaseException, is_template_file: Callable[[str], bool]) -> str:
    """'templates/cover.html.j2:3: template: <what went wrong>' — Jinja rewrites its
    tracebacks so that template frames carry the template's own file and line."""
    if isinstance(error, TemplateSyntaxError) and error.filename:
        return f"{display_path(Path(error.filename))}:{error.lineno}: template: {error.message}"
    where = ""
    for frame in traceback.extract_tb(error.__traceback__):
        if is_template_file(frame.filename):
            where = f"{display_path(Path(frame.filename))}:{frame.lineno}: "
    if isinstance(error, RecursionError):
        what = (
            "too deep: a template including or calling itself without end, "
            "or a value nested too deep"
        )
    elif isinstance(error, TemplateNotFound):
        what = f"no template named {error.name}"
    elif isinstance(error, BookletError):
        what = str(error)
    else:
        what = getattr(error, "message", None) or str(error) or type(error).__name__
    return f"{where}template: {what}"
