// Sunlight's few behaviours, written for this project (no framework, no CDN):
//  - <form data-live="#target">: on change, fetch the form's GET result and swap #target's
//    content, keeping the address bar in step (the server answers with a fragment when it sees
//    the X-Sunlight-Partial header);
//  - <div data-poll="URL">: replace the element with a fresh copy every 1.5 s until the copy no
//    longer polls (background jobs);
//  - <button data-confirm="...">: ask before submitting;
//  - <form data-confirm-step="...">: ask once the form is valid and about to be sent, and on
//    yes mark its hidden "confirmed" field (the server takes an irreversible case step only
//    with it, and asks on a page of its own when a browser runs no script);
//  - <a data-back>: go back a page (its href where there is none). The Content-Security-Policy
//    allows no inline script, not even a javascript: link;
//  - <select data-follows="#leader" data-options='{"leader value": ["option", ...]}'>: its
//    options are those of the leader's value (all of them when the leader has none), e.g. the
//    村 of the chosen 乡镇, from the page itself. The leader's own change listener runs before
//    a live form's, so the form sends the narrowed choice.
(function () {
  "use strict";
  function fragment(url) {
    return fetch(url, { headers: { "X-Sunlight-Partial": "1" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); });
  }
  function liveForm(form) {
    var target = document.querySelector(form.getAttribute("data-live"));
    var timer = null;
    function refresh() {
      var query = new URLSearchParams(new FormData(form)).toString();
      var url = (form.getAttribute("action") || location.pathname) + "?" + query;
      fragment(url).then(function (html) {
        target.innerHTML = html;
        history.replaceState(null, "", url);
      });
    }
    form.addEventListener("change", refresh);
    form.addEventListener("input", function (event) {
      if (event.target.type !== "search") { return; }
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); refresh(); });
  }
  function follower(select) {
    var leader = document.querySelector(select.getAttribute("data-follows"));
    var options = JSON.parse(select.getAttribute("data-options"));
    function offered(value) {
      if (value) { return options[value] || []; }
      var all = {};
      Object.keys(options).forEach(function (key) {
        options[key].forEach(function (name) { all[name] = true; });
      });
      return Object.keys(all).sort();
    }
    leader.addEventListener("change", function () {
      var names = offered(leader.value);
      var kept = select.value;
      while (select.options.length > 1) { select.remove(1); }  // keeps 全部
      names.forEach(function (name) { select.add(new Option(name, name)); });
      select.value = names.indexOf(kept) >= 0 ? kept : "";
    });
  }
  function poll(element) {
    setTimeout(function () {
      fragment(element.getAttribute("data-poll")).then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.firstElementChild;
        if (!fresh) { return; }
        element.replaceWith(fresh);
        if (fresh.hasAttribute("data-poll")) { poll(fresh); }
      }, function () { poll(element); });
    }, 1500);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
    if (event.target.closest("[data-back]") && history.length > 1) {
      event.preventDefault();
      history.back();
    }
  });
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm-step");
    if (!question) { return; }
    if (!window.confirm(question)) {
      event.preventDefault();
      return;
    }
    var field = event.target.querySelector("input[name=confirmed]");
    if (field) { field.value = "yes"; }
  });
  document.querySelectorAll("select[data-follows]").forEach(follower);
  document.querySelectorAll("form[data-live]").forEach(liveForm);
  document.querySelectorAll("[data-poll]").forEach(poll);
})();
