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
    // The hidden copy of each code cell (for its copy button) is code, not math.
    options: { ignoreHtmlClass: "tex2jax_ignore|clipboard-copy-txt", processHtmlClass: "tex2jax_process|arithmatex" },
  };
  var here = document.currentScript.src;
  var script = document.createElement("script");
  script.src = here.replace(/mathjax\.js(\?.*)?$/, "vendor/mathjax/tex-svg.js");
  script.async = true;
  document.head.appendChild(script);
})();
