/**
 * A readable plain-text rendering of the small LaTeX subset the derivation steps use
 * (`\frac`, `\sqrt`, Greek letters, sub- and superscript digits), for terminals. The JSON
 * output keeps the LaTeX source.
 */

const symbols: Record<string, string> = {
  alpha: 'α',
  eta: 'η',
  varphi: 'φ',
  phi: 'ϕ',
  pi: 'π',
  theta: 'θ',
  lambda: 'λ',
  Delta: 'Δ',
  partial: '∂',
  infty: '∞',
  to: '→',
  iff: '⇔',
  approx: '≈',
  cdot: '·',
  times: '×',
  lVert: '‖',
  rVert: '‖',
  '|': '‖',
  sin: 'sin ',
  cos: 'cos ',
  log: 'log',
  lim: 'lim',
  ',': ' ',
  ';': ' ',
  quad: '  ',
  left: '',
  right: '',
};

const subscripts: Record<string, string> = { '0': '₀', '1': '₁', '2': '₂', '3': '₃', t: 'ₜ' };
const superscripts: Record<string, string> = { '2': '²', '3': '³', '-': '⁻', '1': '¹' };

/** Reads a `{…}` group starting at `start` (which must be `{`); returns its content and end. */
function group(text: string, start: number): { content: string; end: number } {
  let depth = 0;
  for (let index = start; index < text.length; index++) {
    if (text[index] === '{') depth++;
    else if (text[index] === '}') {
      depth--;
      if (depth === 0) return { content: text.slice(start + 1, index), end: index + 1 };
    }
  }
  return { content: text.slice(start + 1), end: text.length };
}

function wrap(text: string): string {
  return /^[\w.√²α-ωφϕ₀-₉]+$/u.test(text) ? text : `(${text})`;
}

/** Converts the LaTeX of a derivation step into plain text with Unicode symbols. */
export function latexToText(latex: string): string {
  let out = '';
  let index = 0;
  while (index < latex.length) {
    const char = latex[index];
    if (char === '\\') {
      const match = /^\\([A-Za-z]+|.)/.exec(latex.slice(index));
      const name = match ? match[1] : '';
      index += 1 + name.length;
      if ((name === 'frac' || name === 'tfrac') && latex[index] === '{') {
        const numerator = group(latex, index);
        const denominator = group(latex, numerator.end);
        out += `${wrap(latexToText(numerator.content))}/${wrap(latexToText(denominator.content))}`;
        index = denominator.end;
      } else if (name === 'sqrt' && latex[index] === '{') {
        const radicand = group(latex, index);
        out += `√${wrap(latexToText(radicand.content))}`;
        index = radicand.end;
      } else if ((name === 'mathrm' || name === 'operatorname') && latex[index] === '{') {
        const word = group(latex, index);
        out += word.content;
        index = word.end;
      } else {
        out += symbols[name] ?? name;
      }
    } else if ((char === '_' || char === '^') && index + 1 < latex.length) {
      const table = char === '_' ? subscripts : superscripts;
      let content: string;
      if (latex[index + 1] === '{') {
        const g = group(latex, index + 1);
        content = latexToText(g.content);
        index = g.end;
      } else {
        content = latex[index + 1];
        index += 2;
      }
      const mapped = [...content].every((c) => c in table)
        ? [...content].map((c) => table[c]).join('')
        : `${char === '_' ? '_' : '^'}${wrap(content)}`;
      out += mapped;
    } else if (char === '{' || char === '}') {
      index++;
    } else {
      out += char;
      index++;
    }
  }
  return out.replace(/ {2,}/g, ' ').trim();
}
