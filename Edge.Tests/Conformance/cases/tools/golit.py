"""Minimal parser for the Go composite literals used in Traefik's kubernetes_test.go tables."""
import re

TOKEN_RE = re.compile(r'''
    (?P<ws>\s+)
  | (?P<lcomment>//[^\n]*)
  | (?P<bcomment>/\*.*?\*/)
  | (?P<raw>`[^`]*`)
  | (?P<str>"(?:\\.|[^"\\])*")
  | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<punct>[{}\[\]():,*&+\-/=!<>|%.;^~])
''', re.S | re.X)


def go_unquote(s):
    # Interpreted Go string literal -> Python str (escapes used in the tests: \n, \", \\, \t)
    body = s[1:-1]
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c == '\\':
            n = body[i + 1]
            m = {'n': '\n', 't': '\t', '"': '"', '\\': '\\', 'r': '\r', "'": "'"}
            if n in m:
                out.append(m[n]); i += 2; continue
            raise ValueError('unsupported escape \\' + n)
        out.append(c); i += 1
    return ''.join(out)


def tokenize(src):
    toks, pos = [], 0
    while pos < len(src):
        m = TOKEN_RE.match(src, pos)
        if not m:
            raise ValueError('cannot tokenize at %r' % src[pos:pos + 40])
        pos = m.end()
        k = m.lastgroup
        if k in ('ws', 'lcomment', 'bcomment'):
            continue
        v = m.group(k)
        if k == 'raw':
            toks.append(('str', v[1:-1]))
        elif k == 'str':
            toks.append(('str', go_unquote(v)))
        else:
            toks.append((k, v))
    return toks


class Lit:
    """A composite literal: typ (str or None if elided), ptr (bool), elems list of (key, value)."""
    def __init__(self, typ, ptr, elems):
        self.typ, self.ptr, self.elems = typ, ptr, elems

    def __repr__(self):
        return 'Lit(%r,%r,%r)' % (self.typ, self.ptr, self.elems)


class Call:
    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __repr__(self):
        return 'Call(%r,%r)' % (self.fn, self.args)


class BinOp:
    def __init__(self, op, a, b):
        self.op, self.a, self.b = op, a, b


class Ident:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return 'Ident(%r)' % self.name


class Parser:
    def __init__(self, toks):
        self.t, self.i = toks, 0

    def peek(self, k=0):
        return self.t[self.i + k] if self.i + k < len(self.t) else (None, None)

    def eat(self, val=None):
        tok = self.t[self.i]
        if val is not None and tok[1] != val:
            raise ValueError('expected %r got %r at %d: %r' % (val, tok, self.i, self.t[self.i - 5:self.i + 5]))
        self.i += 1
        return tok

    def parse_type(self):
        # returns a type string: ident | map[K]V | []T | *T
        k, v = self.peek()
        if v == '*':
            self.eat('*')
            return '*' + self.parse_type()
        if v == '[':
            self.eat('['); self.eat(']')
            return '[]' + self.parse_type()
        if v == 'map':
            self.eat('map'); self.eat('[')
            kt = self.parse_type()
            self.eat(']')
            return 'map[%s]%s' % (kt, self.parse_type())
        if v == 'struct':
            raise ValueError('anonymous struct types not supported here')
        self.eat()
        return v

    def parse_expr(self):
        left = self.parse_unary()
        while self.peek()[1] in ('*', '+', '-', '/') and self.peek()[0] == 'punct':
            op = self.eat()[1]
            right = self.parse_unary()
            left = BinOp(op, left, right)
        return left

    def parse_unary(self):
        k, v = self.peek()
        if v == '&':
            self.eat('&')
            typ = self.parse_type()
            lit = self.parse_body(typ)
            lit.ptr = True
            return lit
        if v == '{':
            return self.parse_body(None)
        if v in ('[', 'map') and k in ('punct', 'ident'):
            typ = self.parse_type()
            return self.parse_body(typ)
        if k == 'str':
            self.eat(); return v
        if k == 'num':
            self.eat(); return int(v) if re.fullmatch(r'-?\d+', v) else float(v)
        if v == '(':
            self.eat('('); e = self.parse_expr(); self.eat(')'); return e
        if k == 'ident':
            self.eat()
            nk, nv = self.peek()
            if nv == '(':
                self.eat('(')
                args = []
                while self.peek()[1] != ')':
                    args.append(self.parse_expr())
                    if self.peek()[1] == ',':
                        self.eat(',')
                self.eat(')')
                return Call(v, args)
            if nv == '{':
                return self.parse_body(v)
            return Ident(v)
        raise ValueError('unexpected %r at %d' % ((k, v), self.i))

    def parse_body(self, typ):
        self.eat('{')
        elems = []
        while self.peek()[1] != '}':
            first = self.parse_expr()
            if self.peek()[1] == ':':
                self.eat(':')
                val = self.parse_expr()
                key = first.name if isinstance(first, Ident) else first
                elems.append((key, val))
            else:
                elems.append((None, first))
            if self.peek()[1] == ',':
                self.eat(',')
        self.eat('}')
        return Lit(typ, False, elems)


def parse_literal(src):
    p = Parser(tokenize(src))
    e = p.parse_expr()
    return e
