"""Parser tables generated from grammar/reasmory.lark by `python -m reasmory.interpreter.lalr_build`: do not edit.

ACTIONS[state][terminal] >= 0 shifts to that state, < 0 reduces by rule −1 − value; GOTOS[state][rule name]
is the state after a reduction; RULES[i] = (left side, length, function or None, child a unit rule passes up).
"""

# ruff: noqa
from reasmory.interpreter import ast_build as B

GRAMMAR_SHA256 = 'b58121afcd09c04a054a20af9663b90f77753fcdc53c76f720b5eed46e6cae02'
LARK_VERSION = '1.3.1'
TOKEN_REGEX = '(?P<NAME>[A-Za-z_][A-Za-z0-9_]*)|(?P<LPAR>\\()|(?P<RPAR>\\))|(?P<STRING>(?:"(?:[^"\\\\\n]|\\\\.)*"|\'(?:[^\'\\\\\n]|\\\\.)*\'))|(?P<COMMA>,)|(?P<__IGNORE_0>[ \t\x0c]+)|(?P<_NL>(\r?\n)+)|(?P<NUMBER>(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][+-]?\\d+)?)|(?P<COMMENT>#[^\n]*)|(?P<COMP_OP>(?:<=|>=|==|!=|<|>))|(?P<EQUAL>=)|(?P<ADD_OP>(?:\\+|\\-))|(?P<MUL_OP>(?:\\*|/))|(?P<LSQB>\\[)|(?P<RSQB>\\])|(?P<SEMICOLON>;)'
TOKEN_FLAGS = 32
IGNORE = frozenset(['COMMENT', '__IGNORE_0'])
CANDIDATES = {'-': ('NEG', 'ADD_OP'), 'False': ('FALSE_PY', 'NAME'), 'True': ('TRUE_PY', 'NAME'), 'and': ('AND', 'NAME'), 'false': ('FALSE', 'NAME'), 'not': ('NOT', 'NAME'), 'or': ('OR', 'NAME'), 'true': ('TRUE', 'NAME')}
START = 0
ACCEPT = 23
ACTIONS = (
    {'$END': -8, 'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 5, 'NEG': 6, 'NOT': 7, 'NUMBER': 8, 'SEMICOLON': 9, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12, '_NL': 13},
    {'$END': -31, 'ADD_OP': -31, 'AND': -31, 'COMMA': -31, 'COMP_OP': -31, 'MUL_OP': -31, 'OR': -31, 'RPAR': -31, 'RSQB': -31, 'SEMICOLON': -31, '_NL': -31},
    {'$END': -32, 'ADD_OP': -32, 'AND': -32, 'COMMA': -32, 'COMP_OP': -32, 'MUL_OP': -32, 'OR': -32, 'RPAR': -32, 'RSQB': -32, 'SEMICOLON': -32, '_NL': -32},
    {'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 27, 'NEG': 6, 'NOT': 7, 'NUMBER': 8, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 27, 'NEG': 6, 'NOT': 7, 'NUMBER': 8, 'RSQB': 29, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'$END': -33, 'ADD_OP': -33, 'AND': -33, 'COMP_OP': -33, 'EQUAL': 31, 'LPAR': 32, 'MUL_OP': -33, 'OR': -33, 'SEMICOLON': -33, '_NL': -33},
    {'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 27, 'NEG': 6, 'NUMBER': 8, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 27, 'NEG': 6, 'NOT': 7, 'NUMBER': 8, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'$END': -27, 'ADD_OP': -27, 'AND': -27, 'COMMA': -27, 'COMP_OP': -27, 'MUL_OP': -27, 'OR': -27, 'RPAR': -27, 'RSQB': -27, 'SEMICOLON': -27, '_NL': -27},
    {'$END': -10, 'FALSE': -10, 'FALSE_PY': -10, 'LPAR': -10, 'LSQB': -10, 'NAME': -10, 'NEG': -10, 'NOT': -10, 'NUMBER': -10, 'SEMICOLON': -10, 'STRING': -10, 'TRUE': -10, 'TRUE_PY': -10, '_NL': -10},
    {'$END': -28, 'ADD_OP': -28, 'AND': -28, 'COMMA': -28, 'COMP_OP': -28, 'MUL_OP': -28, 'OR': -28, 'RPAR': -28, 'RSQB': -28, 'SEMICOLON': -28, '_NL': -28},
    {'$END': -29, 'ADD_OP': -29, 'AND': -29, 'COMMA': -29, 'COMP_OP': -29, 'MUL_OP': -29, 'OR': -29, 'RPAR': -29, 'RSQB': -29, 'SEMICOLON': -29, '_NL': -29},
    {'$END': -30, 'ADD_OP': -30, 'AND': -30, 'COMMA': -30, 'COMP_OP': -30, 'MUL_OP': -30, 'OR': -30, 'RPAR': -30, 'RSQB': -30, 'SEMICOLON': -30, '_NL': -30},
    {'$END': -9, 'FALSE': -9, 'FALSE_PY': -9, 'LPAR': -9, 'LSQB': -9, 'NAME': -9, 'NEG': -9, 'NOT': -9, 'NUMBER': -9, 'SEMICOLON': -9, 'STRING': -9, 'TRUE': -9, 'TRUE_PY': -9, '_NL': -9},
    {'$END': -4, 'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 5, 'NEG': 6, 'NOT': 7, 'NUMBER': 8, 'SEMICOLON': 9, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12, '_NL': 13},
    {'$END': -6, 'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 5, 'NEG': 6, 'NOT': 7, 'NUMBER': 8, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'$END': -48, 'FALSE': -48, 'FALSE_PY': -48, 'LPAR': -48, 'LSQB': -48, 'NAME': -48, 'NEG': -48, 'NOT': -48, 'NUMBER': -48, 'SEMICOLON': -48, 'STRING': -48, 'TRUE': -48, 'TRUE_PY': -48, '_NL': -48},
    {'$END': -14, 'AND': 39, 'COMMA': -14, 'OR': -14, 'RPAR': -14, 'RSQB': -14, 'SEMICOLON': -14, '_NL': -14},
    {'$END': -26, 'ADD_OP': -26, 'AND': -26, 'COMMA': -26, 'COMP_OP': -26, 'MUL_OP': -26, 'OR': -26, 'RPAR': -26, 'RSQB': -26, 'SEMICOLON': -26, '_NL': -26},
    {'$END': -18, 'AND': -18, 'COMMA': -18, 'OR': -18, 'RPAR': -18, 'RSQB': -18, 'SEMICOLON': -18, '_NL': -18},
    {'$END': -12, 'OR': 40, 'SEMICOLON': -12, '_NL': -12},
    {'$END': -16, 'AND': -16, 'COMMA': -16, 'OR': -16, 'RPAR': -16, 'RSQB': -16, 'SEMICOLON': -16, '_NL': -16},
    {'$END': -22, 'ADD_OP': -22, 'AND': -22, 'COMMA': -22, 'COMP_OP': -22, 'MUL_OP': 41, 'OR': -22, 'RPAR': -22, 'RSQB': -22, 'SEMICOLON': -22, '_NL': -22},
    {},
    {'$END': -7, 'SEMICOLON': 9, '_NL': 13},
    {'$END': -20, 'ADD_OP': 43, 'AND': -20, 'COMMA': -20, 'COMP_OP': 44, 'OR': -20, 'RPAR': -20, 'RSQB': -20, 'SEMICOLON': -20, '_NL': -20},
    {'$END': -24, 'ADD_OP': -24, 'AND': -24, 'COMMA': -24, 'COMP_OP': -24, 'MUL_OP': -24, 'OR': -24, 'RPAR': -24, 'RSQB': -24, 'SEMICOLON': -24, '_NL': -24},
    {'$END': -33, 'ADD_OP': -33, 'AND': -33, 'COMMA': -33, 'COMP_OP': -33, 'LPAR': 32, 'MUL_OP': -33, 'OR': -33, 'RPAR': -33, 'RSQB': -33, 'SEMICOLON': -33, '_NL': -33},
    {'OR': 40, 'RPAR': 45},
    {'$END': -40, 'ADD_OP': -40, 'AND': -40, 'COMMA': -40, 'COMP_OP': -40, 'MUL_OP': -40, 'OR': -40, 'RPAR': -40, 'RSQB': -40, 'SEMICOLON': -40, '_NL': -40},
    {'COMMA': 46, 'OR': 40, 'RSQB': 47},
    {'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 27, 'NEG': 6, 'NOT': 7, 'NUMBER': 8, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 50, 'NEG': 6, 'NOT': 7, 'NUMBER': 8, 'RPAR': 51, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'$END': -25, 'ADD_OP': -25, 'AND': -25, 'COMMA': -25, 'COMP_OP': -25, 'MUL_OP': -25, 'OR': -25, 'RPAR': -25, 'RSQB': -25, 'SEMICOLON': -25, '_NL': -25},
    {'$END': -17, 'AND': -17, 'COMMA': -17, 'OR': -17, 'RPAR': -17, 'RSQB': -17, 'SEMICOLON': -17, '_NL': -17},
    {'$END': -2, 'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 5, 'NEG': 6, 'NOT': 7, 'NUMBER': 8, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'$END': -49, 'FALSE': -49, 'FALSE_PY': -49, 'LPAR': -49, 'LSQB': -49, 'NAME': -49, 'NEG': -49, 'NOT': -49, 'NUMBER': -49, 'SEMICOLON': -49, 'STRING': -49, 'TRUE': -49, 'TRUE_PY': -49, '_NL': -49},
    {'$END': -3, 'SEMICOLON': 9, '_NL': 13},
    {'$END': -5, 'SEMICOLON': 9, '_NL': 13},
    {'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 27, 'NEG': 6, 'NOT': 7, 'NUMBER': 8, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 27, 'NEG': 6, 'NOT': 7, 'NUMBER': 8, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 27, 'NEG': 6, 'NUMBER': 8, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'$END': -50, 'FALSE': -50, 'FALSE_PY': -50, 'LPAR': -50, 'LSQB': -50, 'NAME': -50, 'NEG': -50, 'NOT': -50, 'NUMBER': -50, 'SEMICOLON': 9, 'STRING': -50, 'TRUE': -50, 'TRUE_PY': -50, '_NL': 13},
    {'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 27, 'NEG': 6, 'NUMBER': 8, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 27, 'NEG': 6, 'NUMBER': 8, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'$END': -41, 'ADD_OP': -41, 'AND': -41, 'COMMA': -41, 'COMP_OP': -41, 'MUL_OP': -41, 'OR': -41, 'RPAR': -41, 'RSQB': -41, 'SEMICOLON': -41, '_NL': -41},
    {'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 27, 'NEG': 6, 'NOT': 7, 'NUMBER': 8, 'RSQB': 62, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'$END': -39, 'ADD_OP': -39, 'AND': -39, 'COMMA': -39, 'COMP_OP': -39, 'MUL_OP': -39, 'OR': -39, 'RPAR': -39, 'RSQB': -39, 'SEMICOLON': -39, '_NL': -39},
    {'COMMA': 64, 'RSQB': 65},
    {'$END': -11, 'OR': 40, 'SEMICOLON': -11, '_NL': -11},
    {'ADD_OP': -33, 'AND': -33, 'COMMA': -33, 'COMP_OP': -33, 'EQUAL': 66, 'LPAR': 32, 'MUL_OP': -33, 'OR': -33, 'RPAR': -33},
    {'$END': -35, 'ADD_OP': -35, 'AND': -35, 'COMMA': -35, 'COMP_OP': -35, 'MUL_OP': -35, 'OR': -35, 'RPAR': -35, 'RSQB': -35, 'SEMICOLON': -35, '_NL': -35},
    {'COMMA': 67, 'RPAR': -45},
    {'RPAR': 69},
    {'COMMA': -46, 'OR': 40, 'RPAR': -46},
    {'$END': -1, 'SEMICOLON': 9, '_NL': 13},
    {'$END': -51, 'FALSE': -51, 'FALSE_PY': -51, 'LPAR': -51, 'LSQB': -51, 'NAME': -51, 'NEG': -51, 'NOT': -51, 'NUMBER': -51, 'SEMICOLON': 9, 'STRING': -51, 'TRUE': -51, 'TRUE_PY': -51, '_NL': 13},
    {'$END': -15, 'AND': -15, 'COMMA': -15, 'OR': -15, 'RPAR': -15, 'RSQB': -15, 'SEMICOLON': -15, '_NL': -15},
    {'$END': -13, 'AND': 39, 'COMMA': -13, 'OR': -13, 'RPAR': -13, 'RSQB': -13, 'SEMICOLON': -13, '_NL': -13},
    {'$END': -23, 'ADD_OP': -23, 'AND': -23, 'COMMA': -23, 'COMP_OP': -23, 'MUL_OP': -23, 'OR': -23, 'RPAR': -23, 'RSQB': -23, 'SEMICOLON': -23, '_NL': -23},
    {'$END': -21, 'ADD_OP': -21, 'AND': -21, 'COMMA': -21, 'COMP_OP': -21, 'MUL_OP': 41, 'OR': -21, 'RPAR': -21, 'RSQB': -21, 'SEMICOLON': -21, '_NL': -21},
    {'$END': -19, 'ADD_OP': 43, 'AND': -19, 'COMMA': -19, 'OR': -19, 'RPAR': -19, 'RSQB': -19, 'SEMICOLON': -19, '_NL': -19},
    {'$END': -38, 'ADD_OP': -38, 'AND': -38, 'COMMA': -38, 'COMP_OP': -38, 'MUL_OP': -38, 'OR': -38, 'RPAR': -38, 'RSQB': -38, 'SEMICOLON': -38, '_NL': -38},
    {'COMMA': -52, 'OR': 40, 'RSQB': -52},
    {'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 27, 'NEG': 6, 'NOT': 7, 'NUMBER': 8, 'RSQB': 70, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'$END': -37, 'ADD_OP': -37, 'AND': -37, 'COMMA': -37, 'COMP_OP': -37, 'MUL_OP': -37, 'OR': -37, 'RPAR': -37, 'RSQB': -37, 'SEMICOLON': -37, '_NL': -37},
    {'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 27, 'NEG': 6, 'NOT': 7, 'NUMBER': 8, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 50, 'NEG': 6, 'NOT': 7, 'NUMBER': 8, 'RPAR': -44, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'COMMA': 74, 'RPAR': -43},
    {'$END': -34, 'ADD_OP': -34, 'AND': -34, 'COMMA': -34, 'COMP_OP': -34, 'MUL_OP': -34, 'OR': -34, 'RPAR': -34, 'RSQB': -34, 'SEMICOLON': -34, '_NL': -34},
    {'$END': -36, 'ADD_OP': -36, 'AND': -36, 'COMMA': -36, 'COMP_OP': -36, 'MUL_OP': -36, 'OR': -36, 'RPAR': -36, 'RSQB': -36, 'SEMICOLON': -36, '_NL': -36},
    {'COMMA': -53, 'OR': 40, 'RSQB': -53},
    {'COMMA': -47, 'OR': 40, 'RPAR': -47},
    {'COMMA': -54, 'RPAR': -54},
    {'FALSE': 1, 'FALSE_PY': 2, 'LPAR': 3, 'LSQB': 4, 'NAME': 50, 'NEG': 6, 'NOT': 7, 'NUMBER': 8, 'RPAR': -42, 'STRING': 10, 'TRUE': 11, 'TRUE_PY': 12},
    {'COMMA': -55, 'RPAR': -55},
)
GOTOS = (
    {'__start_plus_0': 14, '__start_star_1': 15, '_sep': 16, 'and_expr': 17, 'atom': 18, 'comparison': 19, 'expr': 20, 'not_expr': 21, 'product': 22, 'start': 23, 'statement': 24, 'sum': 25, 'unary': 26},
    {},
    {},
    {'and_expr': 17, 'atom': 18, 'comparison': 19, 'expr': 28, 'not_expr': 21, 'product': 22, 'sum': 25, 'unary': 26},
    {'and_expr': 17, 'atom': 18, 'comparison': 19, 'expr': 30, 'not_expr': 21, 'product': 22, 'sum': 25, 'unary': 26},
    {},
    {'atom': 18, 'unary': 33},
    {'atom': 18, 'comparison': 19, 'not_expr': 34, 'product': 22, 'sum': 25, 'unary': 26},
    {},
    {},
    {},
    {},
    {},
    {},
    {'__start_star_1': 35, '_sep': 36, 'and_expr': 17, 'atom': 18, 'comparison': 19, 'expr': 20, 'not_expr': 21, 'product': 22, 'statement': 37, 'sum': 25, 'unary': 26},
    {'and_expr': 17, 'atom': 18, 'comparison': 19, 'expr': 20, 'not_expr': 21, 'product': 22, 'statement': 38, 'sum': 25, 'unary': 26},
    {},
    {},
    {},
    {},
    {},
    {},
    {},
    {},
    {'__start_plus_0': 42, '_sep': 16},
    {},
    {},
    {},
    {},
    {},
    {'__atom_star_2': 48},
    {'and_expr': 17, 'atom': 18, 'comparison': 19, 'expr': 49, 'not_expr': 21, 'product': 22, 'sum': 25, 'unary': 26},
    {'and_expr': 17, 'argument': 52, 'arguments': 53, 'atom': 18, 'comparison': 19, 'expr': 54, 'not_expr': 21, 'product': 22, 'sum': 25, 'unary': 26},
    {},
    {},
    {'and_expr': 17, 'atom': 18, 'comparison': 19, 'expr': 20, 'not_expr': 21, 'product': 22, 'statement': 55, 'sum': 25, 'unary': 26},
    {},
    {'__start_plus_0': 42, '_sep': 16},
    {'__start_plus_0': 56, '_sep': 16},
    {'atom': 18, 'comparison': 19, 'not_expr': 57, 'product': 22, 'sum': 25, 'unary': 26},
    {'and_expr': 58, 'atom': 18, 'comparison': 19, 'not_expr': 21, 'product': 22, 'sum': 25, 'unary': 26},
    {'atom': 18, 'unary': 59},
    {'_sep': 36},
    {'atom': 18, 'product': 60, 'unary': 26},
    {'atom': 18, 'product': 22, 'sum': 61, 'unary': 26},
    {},
    {'and_expr': 17, 'atom': 18, 'comparison': 19, 'expr': 63, 'not_expr': 21, 'product': 22, 'sum': 25, 'unary': 26},
    {},
    {},
    {},
    {},
    {},
    {'__arguments_star_3': 68},
    {},
    {},
    {'__start_plus_0': 56, '_sep': 16},
    {'_sep': 36},
    {},
    {},
    {},
    {},
    {},
    {},
    {},
    {'and_expr': 17, 'atom': 18, 'comparison': 19, 'expr': 71, 'not_expr': 21, 'product': 22, 'sum': 25, 'unary': 26},
    {},
    {'and_expr': 17, 'atom': 18, 'comparison': 19, 'expr': 72, 'not_expr': 21, 'product': 22, 'sum': 25, 'unary': 26},
    {'and_expr': 17, 'argument': 73, 'atom': 18, 'comparison': 19, 'expr': 54, 'not_expr': 21, 'product': 22, 'sum': 25, 'unary': 26},
    {},
    {},
    {},
    {},
    {},
    {},
    {'and_expr': 17, 'argument': 75, 'atom': 18, 'comparison': 19, 'expr': 54, 'not_expr': 21, 'product': 22, 'sum': 25, 'unary': 26},
    {},
)


def _r0(c):  # <start : __start_plus_0 __start_star_1 statement>
    return B.start([*c[0], *c[1], c[2]])


def _r1(c):  # <start : __start_plus_0 __start_star_1>
    return B.start([*c[0], *c[1], None])


def _r2(c):  # <start : __start_plus_0 statement>
    return B.start([*c[0], c[1]])


def _r3(c):  # <start : __start_plus_0>
    return B.start([*c[0], None])


def _r4(c):  # <start : __start_star_1 statement>
    return B.start([*c[0], c[1]])


def _r5(c):  # <start : __start_star_1>
    return B.start([*c[0], None])


def _r7(c):  # <start : >
    return B.start([None])


def _r8(c):  # <_sep : _NL>
    return []


def _r9(c):  # <_sep : SEMICOLON>
    return []


def _r10(c):  # <statement : NAME EQUAL expr>
    return B.assign([c[0], c[2]])


def _r33(c):  # <atom : NAME LPAR arguments RPAR>
    return B.call([c[0], c[2], c[3]])


def _r34(c):  # <atom : NAME LPAR RPAR>
    return B.call([c[0], None, c[2]])


def _r35(c):  # <atom : LSQB expr __atom_star_2 COMMA RSQB>
    return B.list_expr([c[0], c[1], *c[2], c[4]])


def _r36(c):  # <atom : LSQB expr __atom_star_2 RSQB>
    return B.list_expr([c[0], c[1], *c[2], c[3]])


def _r37(c):  # <atom : LSQB expr COMMA RSQB>
    return B.list_expr([c[0], c[1], c[3]])


def _r39(c):  # <atom : LSQB RSQB>
    return B.list_expr([c[0], None, c[1]])


def _r40(c):  # <atom : LPAR expr RPAR>
    return c[1]


def _r41(c):  # <arguments : argument __arguments_star_3 COMMA>
    return B.arguments([c[0], *c[1]])


def _r42(c):  # <arguments : argument __arguments_star_3>
    return B.arguments([c[0], *c[1]])


def _r43(c):  # <arguments : argument COMMA>
    return B.arguments([c[0]])


def _r46(c):  # <argument : NAME EQUAL expr>
    return B.keyword([c[0], c[2]])


def _r47(c):  # <__start_plus_0 : _sep>
    return [*c[0]]


def _r48(c):  # <__start_plus_0 : __start_plus_0 _sep>
    return [*c[0], *c[1]]


def _r49(c):  # <__start_star_1 : statement __start_plus_0>
    return [c[0], *c[1]]


def _r50(c):  # <__start_star_1 : __start_star_1 statement __start_plus_0>
    return [*c[0], c[1], *c[2]]


def _r51(c):  # <__atom_star_2 : COMMA expr>
    return [c[1]]


def _r52(c):  # <__atom_star_2 : __atom_star_2 COMMA expr>
    return [*c[0], c[2]]


def _r53(c):  # <__arguments_star_3 : COMMA argument>
    return [c[1]]


def _r54(c):  # <__arguments_star_3 : __arguments_star_3 COMMA argument>
    return [*c[0], c[2]]


RULES = (
    ('start', 3, _r0, None),
    ('start', 2, _r1, None),
    ('start', 2, _r2, None),
    ('start', 1, _r3, None),
    ('start', 2, _r4, None),
    ('start', 1, _r5, None),
    ('start', 1, B.start, None),  # <start : statement>
    ('start', 0, _r7, None),
    ('_sep', 1, _r8, None),
    ('_sep', 1, _r9, None),
    ('statement', 3, _r10, None),
    ('statement', 1, B.expr_stmt, None),  # <statement : expr>
    ('expr', 3, B.or_op, None),  # <expr : expr OR and_expr>
    ('expr', 1, None, 0),  # <expr : and_expr>
    ('and_expr', 3, B.and_op, None),  # <and_expr : and_expr AND not_expr>
    ('and_expr', 1, None, 0),  # <and_expr : not_expr>
    ('not_expr', 2, B.not_op, None),  # <not_expr : NOT not_expr>
    ('not_expr', 1, None, 0),  # <not_expr : comparison>
    ('comparison', 3, B.compare, None),  # <comparison : sum COMP_OP sum>
    ('comparison', 1, None, 0),  # <comparison : sum>
    ('sum', 3, B.binop, None),  # <sum : sum ADD_OP product>
    ('sum', 1, None, 0),  # <sum : product>
    ('product', 3, B.binop, None),  # <product : product MUL_OP unary>
    ('product', 1, None, 0),  # <product : unary>
    ('unary', 2, B.neg, None),  # <unary : NEG unary>
    ('unary', 1, None, 0),  # <unary : atom>
    ('atom', 1, B.number, None),  # <atom : NUMBER>
    ('atom', 1, B.string, None),  # <atom : STRING>
    ('atom', 1, B.true, None),  # <atom : TRUE>
    ('atom', 1, B.true, None),  # <atom : TRUE_PY>
    ('atom', 1, B.false, None),  # <atom : FALSE>
    ('atom', 1, B.false, None),  # <atom : FALSE_PY>
    ('atom', 1, B.name, None),  # <atom : NAME>
    ('atom', 4, _r33, None),
    ('atom', 3, _r34, None),
    ('atom', 5, _r35, None),
    ('atom', 4, _r36, None),
    ('atom', 4, _r37, None),
    ('atom', 3, B.list_expr, None),  # <atom : LSQB expr RSQB>
    ('atom', 2, _r39, None),
    ('atom', 3, _r40, None),
    ('arguments', 3, _r41, None),
    ('arguments', 2, _r42, None),
    ('arguments', 2, _r43, None),
    ('arguments', 1, B.arguments, None),  # <arguments : argument>
    ('argument', 1, None, 0),  # <argument : expr>
    ('argument', 3, _r46, None),
    ('__start_plus_0', 1, _r47, None),
    ('__start_plus_0', 2, _r48, None),
    ('__start_star_1', 2, _r49, None),
    ('__start_star_1', 3, _r50, None),
    ('__atom_star_2', 2, _r51, None),
    ('__atom_star_2', 3, _r52, None),
    ('__arguments_star_3', 2, _r53, None),
    ('__arguments_star_3', 3, _r54, None),
)
