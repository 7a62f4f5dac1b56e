// 随手拍's few behaviours (the report form and its confirmation), written for this project:
//  - 匿名 chosen: the name and phone fields are hidden (the server discards them anyway);
//  - the photo button says how many photos were chosen, and their names;
//  - the confirmation's 复制查询码 (the clipboard, else the code selected for a long press)
//    and 保存为图片 (the confirmation drawn on a canvas, downloaded as a PNG).
// Without script every page still works: the code is in the page, the fields stay visible.
(function () {
  "use strict";
  var FONT = '"PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", ' +
    '"WenQuanYi Micro Hei", sans-serif';

  function say(text) {
    var status = document.getElementById("receipt-status");
    if (status) { status.textContent = text; }
  }

  function contactFields(form) {
    var fields = document.getElementById("contact-fields");
    if (!fields) { return; }
    function follow() {
      var anonymous = form.querySelector('input[name="anonymous"][value="1"]');
      fields.hidden = Boolean(anonymous && anonymous.checked);
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "anonymous") { follow(); }
    });
    follow();
  }

  function photoPicker(input) {
    var chosen = document.getElementById("photos-chosen");
    var most = Number(input.getAttribute("data-max")) || 3;
    input.addEventListener("change", function () {
      var names = Array.prototype.map.call(input.files, function (file) { return file.name; });
      chosen.hidden = names.length === 0;
      chosen.classList.toggle("too-many", names.length > most);
      chosen.textContent = names.length > most
        ? "最多 " + most + " 张照片，您选择了 " + names.length + " 张，请重新选择。"
        : "已选择 " + names.length + " 张：" + names.join("、");
    });
  }

  function copyCode(codeBox) {
    var code = codeBox.getAttribute("data-code");
    function selectIt() {
      var range = document.createRange();
      range.selectNodeContents(codeBox);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      say(copied ? "查询码已复制，可以粘贴到短信或微信里保存。"
        : "查询码已选中，请长按它，再点“复制”。");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(code).then(function () {
        say("查询码已复制，可以粘贴到短信或微信里保存。");
      }, selectIt);
    } else {
      selectIt();
    }
  }

  // Lines no wider than `width`, broken between characters (Chinese has no spaces).
  function wrapped(context, text, width) {
    var lines = [];
    var line = "";
    Array.prototype.forEach.call(text, function (ch) {
      if (line && context.measureText(line + ch).width > width) {
        lines.push(line);
        line = "";
      }
      line += ch;
    });
    if (line) { lines.push(line); }
    return lines;
  }

  function text(id) {
    var element = document.getElementById(id);
    return element ? element.textContent.trim() : "";
  }

  function drawReceipt(canvas, code) {
    var width = 720;
    var margin = 40;
    var scale = 2;
    var context = canvas.getContext("2d");
    var body = "28px " + FONT;
    var rows = [
      "提交时间：" + text("receipt-filed"),
      "反映内容：" + text("receipt-about"),
      "何时答复：" + text("receipt-reply"),
      "答复期限：" + text("receipt-due"),
      "查进度：打开 " + location.host + "/track ，输入查询码查看办理情况和答复。",
      "为保护举报人，不能凭姓名或电话查找举报，查询码丢失后无法找回，请妥善保管。"
    ];
    context.font = body;
    var lines = [];
    rows.forEach(function (row) {
      lines = lines.concat(wrapped(context, row, width - 2 * margin), [""]);
    });
    var height = 260 + lines.length * 40 + margin;
    canvas.width = width * scale;
    canvas.height = height * scale;  // resets the context's state
    context.scale(scale, scale);
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, width, height);
    context.fillStyle = "#8c1d18";
    context.fillRect(0, 0, width, 84);
    context.fillStyle = "#ffffff";
    context.textBaseline = "middle";
    context.font = "bold 32px " + FONT;
    context.fillText("阳光公示 · 随手拍举报回执", margin, 42);
    context.fillStyle = "#57606a";
    context.font = body;
    context.fillText("查询码", margin, 130);
    context.fillStyle = "#1f2328";
    var size = 60;
    do {
      context.font = "bold " + size + "px monospace";
      size -= 2;
    } while (context.measureText(code).width > width - 2 * margin && size > 20);
    context.fillText(code, margin, 195);
    context.font = body;
    lines.forEach(function (line, index) {
      context.fillText(line, margin, 270 + index * 40);
    });
  }

  function savePicture(canvas, code) {
    drawReceipt(canvas, code);
    canvas.hidden = false;
    canvas.toBlob(function (blob) {
      if (!blob) {
        say("无法生成图片，请截屏保存本页。");
        return;
      }
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "举报查询码-" + code.replace(/\s/g, "") + ".png";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
      say("图片已保存（在手机的“下载”里）。如果没有保存成功，请截屏保存下面的图片。");
    }, "image/png");
  }

  function receipt(codeBox) {
    var actions = document.getElementById("receipt-actions");
    var canvas = document.getElementById("receipt-picture");
    var code = codeBox.getAttribute("data-code");
    actions.hidden = false;
    document.getElementById("copy-code").addEventListener("click", function () {
      copyCode(codeBox);
    });
    document.getElementById("save-picture").addEventListener("click", function () {
      savePicture(canvas, code);
    });
  }

  var form = document.querySelector("form.report-form");
  if (form) { contactFields(form); }
  var photos = document.getElementById("photos");
  if (photos) { photoPicker(photos); }
  var codeBox = document.getElementById("tracking-code");
  if (codeBox) { receipt(codeBox); }
})();
