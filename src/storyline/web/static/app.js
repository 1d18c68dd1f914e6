// storyline web app: citations open their source sentence in the side panel.
// Text is inserted with textContent only (never innerHTML), so article text cannot run.
(function () {
  "use strict";
  var panel = document.getElementById("source-panel");
  if (!panel) return;
  var body = panel.querySelector(".panel-body");
  var closeButton = panel.querySelector(".panel-close");
  var cache = {};

  function load(id) {
    if (!cache[id]) {
      cache[id] = fetch("/api/documents/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
        .then(function (data) { return data.document; });
      cache[id].catch(function () { delete cache[id]; });
    }
    return cache[id];
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function show(link) {
    var id = link.getAttribute("data-doc");
    var start = parseInt(link.getAttribute("data-start"), 10);
    var end = parseInt(link.getAttribute("data-end"), 10);
    load(id).then(function (doc) {
      // Spans count Unicode code points (Python); Array.from splits by code point too.
      var chars = Array.from(doc.text || "");
      var head = el("div", "panel-doc");
      var title = el("p", "panel-title");
      var strong = el("strong", null, doc.title || doc.id);
      title.appendChild(strong);
      head.appendChild(title);
      var meta = [doc.source || "unknown outlet", (doc.published || "").slice(0, 10)].filter(Boolean).join(" · ");
      head.appendChild(el("p", "muted", meta));
      var open = el("a", null, "Open the article");
      open.href = link.getAttribute("href");
      head.appendChild(open);
      var text = el("div", "panel-text");
      text.appendChild(document.createTextNode(chars.slice(0, start).join("")));
      var mark = el("mark", null, chars.slice(start, end).join(""));
      mark.id = "panel-hl";
      text.appendChild(mark);
      text.appendChild(document.createTextNode(chars.slice(end).join("")));
      body.replaceChildren(head, text);
      panel.classList.add("open");
      if (closeButton) closeButton.hidden = false;
      Array.prototype.forEach.call(document.querySelectorAll(".cite[aria-current]"), function (a) {
        a.removeAttribute("aria-current");
      });
      Array.prototype.forEach.call(document.querySelectorAll(".briefing li.active"), function (li) {
        li.classList.remove("active");
      });
      link.setAttribute("aria-current", "true");
      var item = link.closest(".briefing li");
      if (item) item.classList.add("active");
      var top = mark.offsetTop - panel.offsetTop - panel.clientHeight / 3;
      panel.scrollTop = Math.max(0, top);
      if (panel.getBoundingClientRect().top > window.innerHeight || panel.getBoundingClientRect().bottom < 0) {
        panel.scrollIntoView({ block: "nearest" });
      }
      panel.focus({ preventScroll: true });
    }).catch(function () {
      window.location.href = link.getAttribute("href");
    });
  }

  function close() {
    panel.classList.remove("open");
    if (closeButton) closeButton.hidden = true;
    var current = document.querySelector(".cite[aria-current]");
    if (current) current.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.cite[data-doc]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    show(link);
  });
  if (closeButton) closeButton.addEventListener("click", close);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && panel.classList.contains("open")) close();
  });
})();
