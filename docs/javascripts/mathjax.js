// Typeset $...$ and $$...$$ (notebooks) and arithmatex's \(...\) / \[...\] (pages)
// with the MathJax copy served beside this file, so pages render math offline.
(function () {
  if (window.__scalinglawsMathJax) return;
  window.__scalinglawsMathJax = true;
  window.MathJax = {
    tex: {
      inlineMath: [["$", "$"], ["\\(", "\\)"]],
      displayMath: [["$$", "$$"], ["\\[", "\\]"]],
      processEscapes: true,
    },
    svg: { fontCache: "global" },
    options: { ignoreHtmlClass: "tex2jax_ignore", processHtmlClass: "tex2jax_process|arithmatex" },
  };
  var here = document.currentScript.src;
  var script = document.createElement("script");
  script.src = here.replace(/mathjax\.js(\?.*)?$/, "vendor/mathjax/tex-svg.js");
  script.async = true;
  document.head.appendChild(script);
})();
