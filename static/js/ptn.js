/*
 * Portail PTN — the small amount of JavaScript on top of htmx. Everything works without it:
 * links have an href and forms an action. This file only manages focus and announcements
 * after htmx swaps a part of the page, so keyboard and screen-reader users know what happened,
 * and fades the visible confirmation of a save.
 * No inline script, no eval (CSP-ready).
 */
(function () {
  "use strict";

  var live = null;
  var focusAfterRemoval = null;

  function announce(message) {
    if (!live || !message) return;
    live.textContent = "";
    // A fresh text node is announced even when the same message repeats.
    window.setTimeout(function () { live.textContent = message; }, 50);
  }

  function focusElement(element) {
    if (!element) return;
    var field = element.querySelector(
      "form input:not([type=hidden]), form select, form textarea"
    );
    var target = field || element;
    if (!target.hasAttribute("tabindex") && !field) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: false });
  }

  document.addEventListener("DOMContentLoaded", function () {
    live = document.getElementById("ptn-live");
  });

  // Server events: {"ptn:announce": {"message": "…", "focus": "#selector"}}.
  document.body.addEventListener("ptn:announce", function (event) {
    announce(event.detail.message);
    if (event.detail.focus) focusElement(document.querySelector(event.detail.focus));
  });

  // When a part is removed (deletion, cancelled addition), focus the list it was in.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    focusAfterRemoval = null;
    if (event.detail.serverResponse === "" && target) {
      var parent = target.parentElement && target.parentElement.closest(".ptn-editable, [data-ptn-list]");
      if (parent) {
        focusAfterRemoval = parent.querySelector("h2[tabindex], h3") || parent;
      }
    }
  });

  // The visible « Modification enregistrée. » next to a record just saved fades after a while.
  var SAVED_NOTE_MS = 6000;

  function fadeSavedNotes() {
    document.querySelectorAll(".ptn-saved:not([data-ptn-fading])").forEach(function (note) {
      note.setAttribute("data-ptn-fading", "");
      window.setTimeout(function () { note.classList.add("ptn-saved--done"); }, SAVED_NOTE_MS);
    });
  }

  // The element whose request brought the new part (a « Modifier » link, a form).
  var trigger = null;
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    trigger = event.detail.elt;
  });

  // The new part takes the focus only if the person is not already elsewhere: the focus is on
  // nothing (the clicked link was replaced), or still on what they clicked. Someone who has
  // started typing in a field while the part settled keeps their field and their text.
  function mayTakeFocus(marked) {
    var active = document.activeElement;
    if (!active || active === document.body) return true;
    if (marked.contains(active)) return false;
    return trigger !== null && (active === trigger || active.contains(trigger));
  }

  document.body.addEventListener("htmx:afterSettle", function () {
    fadeSavedNotes();
    var marked = document.querySelector("[data-ptn-focus]");
    if (marked) {
      marked.removeAttribute("data-ptn-focus");
      if (mayTakeFocus(marked)) focusElement(marked);
    } else if (focusAfterRemoval) {
      focusElement(focusAfterRemoval);
    }
    focusAfterRemoval = null;
    trigger = null;
  });

  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 403) {
      announce("Action refusée : vous n'avez pas le droit de modifier cet élément.");
    } else {
      announce("L'action n'a pas pu être effectuée. Rechargez la page et réessayez.");
    }
  });

  document.body.addEventListener("htmx:sendError", function () {
    announce("Le serveur ne répond pas. Vos saisies sont conservées : réessayez dans un instant.");
  });
})();

/*
 * A link whose fragment names a form control (« Préparation de la soumission » links to
 * …/modifier/initiative/4/#id_lead) lands with that control focused, not only scrolled to,
 * so the person can type at once — and keeps it: a form's own first-field focus must not take
 * it away afterwards. Generic: any input, select, textarea or button.
 */
(function () {
  "use strict";

  function focusTargetedControl() {
    var id = window.location.hash.slice(1);
    if (!id) return;
    var target;
    try {
      target = document.getElementById(decodeURIComponent(id));
    } catch (error) {
      return; // a malformed fragment: nothing to focus
    }
    if (target && target.matches("input, select, textarea, button") && !target.disabled) {
      target.focus();
      // The control asked for wins over a form's own first-field focus (data-ptn-focus), which
      // htmx would otherwise apply after the live Markdown preview loads.
      var marked = document.querySelectorAll("[data-ptn-focus]");
      for (var i = 0; i < marked.length; i++) marked[i].removeAttribute("data-ptn-focus");
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusTargetedControl);
  } else {
    focusTargetedControl();
  }
  window.addEventListener("hashchange", focusTargetedControl);
})();

/*
 * The main menu folds behind its « Menu » button on narrow screens (the CSS hides the button
 * from 992 px up). Without JavaScript the button stays hidden and the menu open.
 */
(function () {
  "use strict";

  function setup() {
    var toggle = document.querySelector(".ptn-mainnav__toggle");
    if (!toggle) return;
    var nav = toggle.closest(".ptn-mainnav");
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!nav || !menu) return;

    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }

    nav.classList.add("ptn-mainnav--foldable");
    toggle.hidden = false;
    setOpen(false);
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes an open menu and gives the focus back to its button.
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
