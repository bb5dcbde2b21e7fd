"""``Upstash-Retry-Delay`` expressions: parsed with :mod:`ast`, evaluated by a small walker.

The grammar QStash documents: numbers, the variable ``retried`` (retries done so far, 0
before the first retry), ``+ - * / %``, ``**`` (also as ``^``), unary minus, parentheses and
the functions ``pow sqrt abs exp floor ceil round min max``. The result is milliseconds.
Nothing is ever passed to ``eval``; every node type outside that grammar is refused.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["MAX_DELAY_MS", "ExpressionError", "RetryDelay", "parse_retry_delay"]

MAX_DELAY_MS = 86_400_000
"""Results are clamped to [0, one day]: QStash caps every retry wait at a day."""

_MAX_LENGTH = 512
_MAX_NODES = 200


class ExpressionError(ValueError):
    """The expression is not in the retry-delay grammar, or cannot be evaluated."""


def _round(x: float) -> float:
    # Half away from zero, like Go's math.Round (Python's round() is half to even).
    return math.copysign(math.floor(abs(x) + 0.5), x)


def _min(*args: float) -> float:
    if not args:
        raise ExpressionError("min() needs at least one argument")
    return min(args)


def _max(*args: float) -> float:
    if not args:
        raise ExpressionError("max() needs at least one argument")
    return max(args)


def _pow(a: float, b: float) -> float:
    return math.pow(a, b)


# name -> (function, number of arguments or None for any)
_FUNCTIONS: dict[str, tuple[Callable[..., float], int | None]] = {
    "pow": (_pow, 2),
    "sqrt": (math.sqrt, 1),
    "abs": (abs, 1),
    "exp": (math.exp, 1),
    "floor": (math.floor, 1),
    "ceil": (math.ceil, 1),
    "round": (_round, 1),
    "min": (_min, None),
    "max": (_max, None),
}

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Mod: math.fmod,
    ast.Pow: math.pow,
}


def _check(node: ast.AST) -> None:
    """Refuse anything outside the grammar (so evaluation only meets known nodes)."""
    if isinstance(node, ast.Expression):
        _check(node.body)
    elif isinstance(node, ast.Constant):
        if type(node.value) not in (int, float):
            raise ExpressionError(f"only numbers are allowed, not {node.value!r}")
    elif isinstance(node, ast.Name):
        if node.id != "retried":
            raise ExpressionError(f"unknown variable {node.id!r}; the only variable is 'retried'")
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise ExpressionError("only + - * / % and ** are allowed")
        _check(node.left)
        _check(node.right)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise ExpressionError("only unary minus is allowed")
        _check(node.operand)
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
            raise ExpressionError(
                f"unknown function; allowed: {', '.join(_FUNCTIONS)}",
            )
        if node.keywords:
            raise ExpressionError("functions take positional arguments only")
        arity = _FUNCTIONS[node.func.id][1]
        if arity is not None and len(node.args) != arity:
            raise ExpressionError(f"{node.func.id}() takes {arity} argument(s)")
        for arg in node.args:
            _check(arg)
    else:
        raise ExpressionError(f"{type(node).__name__} is not allowed in a retry delay")


def _evaluate(node: ast.AST, retried: float) -> float:
    if isinstance(node, ast.Constant):
        value = node.value
        assert isinstance(value, int | float)  # guaranteed by _check
        return float(value)
    if isinstance(node, ast.Name):
        return retried
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_evaluate(node.left, retried), _evaluate(node.right, retried))
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, retried)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        function = _FUNCTIONS[node.func.id][0]
        return float(function(*(_evaluate(arg, retried) for arg in node.args)))
    raise ExpressionError(f"{type(node).__name__} is not allowed")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class RetryDelay:
    """A parsed retry-delay expression; :meth:`delay_ms` evaluates it."""

    text: str
    tree: ast.Expression

    def delay_ms(self, retried: int) -> int:
        """The delay before the next retry in milliseconds, clamped to [0, one day].

        Raises:
            ExpressionError: the expression fails for this ``retried`` (division by zero,
                ``sqrt`` of a negative number...).
        """
        try:
            value = _evaluate(self.tree.body, float(retried))
        except OverflowError:
            return MAX_DELAY_MS
        except (ArithmeticError, ValueError) as exc:
            raise ExpressionError(f"cannot evaluate {self.text!r}: {exc}") from exc
        if math.isnan(value):
            raise ExpressionError(f"{self.text!r} is not a number for retried={retried}")
        return int(min(max(value, 0.0), MAX_DELAY_MS))


def parse_retry_delay(text: str) -> RetryDelay:
    """Parse an ``Upstash-Retry-Delay`` value.

    Raises:
        ExpressionError: empty, too long, not in the grammar, or failing for ``retried=0``.
    """
    source = text.strip()
    if not source:
        raise ExpressionError("the retry delay expression is empty")
    if len(source) > _MAX_LENGTH:
        raise ExpressionError(f"the retry delay expression is longer than {_MAX_LENGTH}")
    try:
        tree = ast.parse(source.replace("^", "**"), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(f"cannot parse {source!r}") from exc
    if sum(1 for _ in ast.walk(tree)) > _MAX_NODES:
        raise ExpressionError("the retry delay expression is too long")
    try:
        _check(tree)
    except RecursionError as exc:
        raise ExpressionError("the retry delay expression is nested too deeply") from exc
    parsed = RetryDelay(source, tree)
    parsed.delay_ms(0)  # an expression that cannot even produce the first delay is refused
    return parsed
