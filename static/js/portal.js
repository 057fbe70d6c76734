// Small progressive enhancements. Everything works without this file.
(function () {
  "use strict";
  function fade(toast) {
    setTimeout(function () {
      toast.classList.add("leaving");
      setTimeout(function () { toast.remove(); }, 500);
    }, 6000);
  }
  function watchToasts(root) {
    root.querySelectorAll(".toast:not([data-watched])").forEach(function (t) {
      t.setAttribute("data-watched", "1");
      if (!t.classList.contains("toast-error")) fade(t);
      t.addEventListener("click", function () { t.remove(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.hidden = false;
      b.addEventListener("click", function () { window.print(); });
    });
    var box = document.getElementById("toasts");
    if (box) {
      watchToasts(box);
      new MutationObserver(function () { watchToasts(box); }).observe(box, { childList: true });
    }
  });
  // network failure during an htmx request: say so instead of doing nothing
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("toasts");
    if (!box) return;
    var t = document.createElement("div");
    t.className = "toast toast-error";
    t.setAttribute("role", "alert");
    t.textContent = box.getAttribute("data-network-error");
    box.appendChild(t);
  });
})();
