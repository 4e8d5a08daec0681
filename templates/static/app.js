// Progressive enhancements only; every page works without JavaScript.
document.addEventListener("click", function (e) {
  if (e.target.matches("[data-print]")) { window.print(); }
});
