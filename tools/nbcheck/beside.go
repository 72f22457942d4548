package main

// BesideAttr marks kit's side-by-side output (kit.Beside): its value lists
// the languages whose bars the wall-time chart inside must show, "Go Python".
// It is kit.BesideAttr; the tools module does not import kit.
const BesideAttr = "data-kit-beside"

// besideJS is a JavaScript function of a chart container that returns ""
// when the container is not a side-by-side wall-time chart, or when the
// chart echarts drew there has, for every language its box lists, a bar
// named "<language> ..." with a wall time above zero; otherwise it says which
// language's bars are missing. A Python that failed in a notebook leaves Go's
// bars alone in the chart: this is what catches it.
const besideJS = `(el) => {
  const box = el.closest('[` + BesideAttr + `]');
  if (!box || el.getAttribute('data-kit-chart') !== 'wall') return '';
  const inst = window.echarts && window.echarts.getInstanceByDom && window.echarts.getInstanceByDom(el);
  if (!inst) return 'side-by-side chart: no echarts instance';
  const opt = inst.getOption();
  const names = (opt.yAxis && opt.yAxis[0] && opt.yAxis[0].data) || [];
  const bars = (opt.series && opt.series[0] && opt.series[0].data) || [];
  const value = (b) => (b !== null && typeof b === 'object') ? Number(b.value) : Number(b);
  const want = box.getAttribute('` + BesideAttr + `').split(/\s+/).filter(Boolean);
  const lacking = want.filter((lang) => !names.some((n, k) => String(n).startsWith(lang + ' ') && value(bars[k]) > 0));
  return lacking.length ? 'side-by-side chart without ' + lacking.join(' or ') + ' bars (bars: ' + names.join(', ') + ')' : '';
}`
