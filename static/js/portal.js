/* After every submit the message the user must read (the error summary or
   "lagret") is in view and has focus: the server marks it data-autofocus,
   on a full page load and in what HTMX swaps in. */
(function () {
  "use strict";
  function focusMessage() {
    var el = document.querySelector("[data-autofocus]");
    if (!el) { return; }
    el.removeAttribute("data-autofocus");  // once: a later swap brings its own
    if (!el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "-1"); }
    el.scrollIntoView({block: "start"});
    el.focus({preventScroll: true});
  }
  document.addEventListener("DOMContentLoaded", focusMessage);
  document.addEventListener("htmx:afterSettle", focusMessage);
})();
