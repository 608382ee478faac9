// 中枢 — screen.js: cycles the slides of the electronic screen (电子屏) in
// place, keeps the clock, and reloads after each round for fresh content.
// Without JavaScript the page's <noscript> meta refresh moves to the next
// slide instead. No inline script (CSP script-src 'self').
(function () {
  "use strict";
  var body = document.body;
  var slides = document.querySelectorAll(".slide");
  var dots = document.querySelectorAll(".dot");
  var pos = document.getElementById("pos");
  var clock = document.getElementById("clock");
  var n = slides.length;
  if (!n) { return; }
  var secs = parseInt(body.getAttribute("data-secs"), 10) || 12;
  var i = parseInt(body.getAttribute("data-start"), 10) || 0;
  var shown = 0;
  function show(k) {
    for (var j = 0; j < n; j++) {
      slides[j].hidden = j !== k;
      if (dots[j]) { dots[j].className = j === k ? "dot on" : "dot"; }
    }
    if (pos) { pos.textContent = (k + 1) + " / " + n; }
  }
  function tick() {
    var d = new Date();
    var hh = String(d.getHours()), mm = String(d.getMinutes());
    if (clock) { clock.textContent = (hh.length < 2 ? "0" : "") + hh + ":" + (mm.length < 2 ? "0" : "") + mm; }
  }
  show(i);
  tick();
  setInterval(tick, 10000);
  setInterval(function () {
    shown++;
    i = (i + 1) % n;
    if (shown >= n && i === 0) {
      // A full round: reload for the latest published items.
      location.replace(location.pathname + "?slide=0");
      return;
    }
    show(i);
  }, secs * 1000);
  // A tap or a key asks for full screen (browsers allow it only on a gesture).
  function full() {
    var el = document.documentElement;
    if (!document.fullscreenElement && el.requestFullscreen) { el.requestFullscreen().catch(function () {}); }
  }
  document.addEventListener("click", full);
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight") { i = (i + 1) % n; show(i); }
    else if (e.key === "ArrowLeft") { i = (i + n - 1) % n; show(i); }
    else { full(); }
  });
})();
