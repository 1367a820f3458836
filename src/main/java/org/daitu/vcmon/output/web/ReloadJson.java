package org.daitu.vcmon.output.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.daitu.vcmon.config.ConfigException;
import org.daitu.vcmon.config.ConfigProblem;
import org.daitu.vcmon.config.ReloadPlan;
import org.daitu.vcmon.config.ReloadResult;

/** The answer of {@code POST /api/v1/admin/reload}: what was applied, or why nothing was. */
final class ReloadJson {
  private ReloadJson() {}

  /** 200 applied, 422 the file has problems (the running config stays), 409 no file to reload. */
  static int status(ReloadResult r) {
    return switch (r.outcome()) {
      case APPLIED -> 200;
      case REJECTED -> 422;
      case UNAVAILABLE -> 409;
    };
  }

  static JsonObject of(ReloadResult r) {
    JsonObject o = new JsonObject().put("reloaded", r.outcome() == ReloadResult.Outcome.APPLIED).put("file", r.file());
    if (r.outcome() != ReloadResult.Outcome.APPLIED) {
      JsonArray problems = new JsonArray();
      for (ConfigProblem p : r.problems()) {
        problems.add(
            new JsonObject()
                .put("path", p.path())
                .put("line", p.line() > 0 ? p.line() : null)
                .put("message", p.message())
                .put("found", p.found())
                .put("hint", p.hint())
                .put("text", p.render()));
      }
      String error =
          r.outcome() == ReloadResult.Outcome.REJECTED
              ? ConfigException.render(r.file(), r.problems()).lines().findFirst().orElse("")
                  + "; the running config stays in force"
              : r.problems().get(0).message();
      return o.put("error", error).put("problems", problems);
    }
    ReloadPlan plan = r.plan();
    return o.put("sites", plan.inForce().inventory().size())
        .put("added", new JsonArray(plan.added()))
        .put("removed", new JsonArray(plan.removed()))
        .put("changed", new JsonArray(plan.changed()))
        .put("applied", new JsonArray(plan.applied()))
        .put("restart_required", new JsonArray(plan.restart()))
        .put(
            "note",
            plan.restart().isEmpty()
                ? null
                : "changes to " + String.join(", ", plan.restart()) + " take effect after a restart");
  }
}
