// storyline report: hovering a citation shows its source sentence (title attribute);
// selecting it opens a small popover with the sentence in its paragraph. Without
// JavaScript the citation still jumps to the numbered source below.
(function () {
  "use strict";
  var pop = document.getElementById("popover");
  var current = null;
  function hide() {
    pop.hidden = true;
    if (current) { current.removeAttribute("aria-expanded"); current.focus(); }
    current = null;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.cite");
    if (!link) {
      if (!pop.hidden && !pop.contains(event.target)) hide();
      return;
    }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    pop.replaceChildren();
    Array.prototype.forEach.call(target.children, function (child) { pop.appendChild(child.cloneNode(true)); });
    var jump = document.createElement("a");
    jump.href = link.getAttribute("href");
    jump.textContent = "Go to the source list";
    var p = document.createElement("p");
    p.appendChild(jump);
    pop.appendChild(p);
    var box = link.getBoundingClientRect();
    pop.hidden = false;
    var left = Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - pop.offsetWidth - 8);
    pop.style.left = Math.max(8, left) + "px";
    pop.style.top = (window.scrollY + box.bottom + 6) + "px";
    if (current) current.removeAttribute("aria-expanded");
    current = link;
    link.setAttribute("aria-expanded", "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !pop.hidden) hide();
  });
})();
