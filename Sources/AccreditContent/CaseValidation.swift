import AccreditEngine

/// The escalation path rules of SPEC section 3: the order of the stages and what may close a case.
enum CaseValidation {
  static func check(_ escalation: EscalationCase, sink: DiagnosticSink) {
    checkSteps(escalation, sink: sink)
    checkOutcome(escalation, sink: sink)
  }

  private static func checkSteps(_ escalation: EscalationCase, sink: DiagnosticSink) {
    guard let first = escalation.steps.first else { return }
    if first.stage != .complaint {
      sink.error("the first step must be 'complaint', not '\(first.stage.rawValue)'", at: first.location)
    }
    for (previous, step) in zip(escalation.steps, escalation.steps.dropFirst()) {
      if step.stage == previous.stage {
        sink.error("stage '\(step.stage.rawValue)' is repeated", at: step.location)
      } else if step.stage < previous.stage {
        sink.error(
          "steps out of order: '\(step.stage.rawValue)' cannot come after '\(previous.stage.rawValue)'",
          at: step.location)
      } else if step.stage.rank > previous.stage.rank + 1 && !isSeriousShortcut(escalation, from: previous, to: step) {
        let skippedStages = EscalationCase.Stage.allCases[(previous.stage.rank + 1)..<step.stage.rank]
        let skipped = skippedStages.map { "'\($0.rawValue)'" }.joined(separator: " and ")
        let verb = skippedStages.count == 1 ? "was" : "were"
        let exception =
          step.stage == .reviewBoard && previous.stage == .complaint
          ? " (only a case marked 'serious: true' may go from complaint straight to the review board)" : ""
        sink.error(
          "stage\(skippedStages.count == 1 ? "" : "s") \(skipped) \(verb) skipped between '\(previous.stage.rawValue)' and '\(step.stage.rawValue)'"
            + exception, at: step.location)
      }
      if step.date < previous.date {
        sink.error(
          "step '\(step.stage.rawValue)' is dated \(step.date.iso), before the previous step (\(previous.date.iso))",
          at: step.location)
      }
    }
  }

  private static func isSeriousShortcut(
    _ escalation: EscalationCase, from previous: EscalationCase.Step, to step: EscalationCase.Step
  ) -> Bool {
    escalation.isSerious && previous.stage == .complaint && step.stage == .reviewBoard
  }

  private static func checkOutcome(_ escalation: EscalationCase, sink: DiagnosticSink) {
    guard let outcome = escalation.outcome, let last = escalation.steps.last else { return }
    let reached = escalation.steps.map(\.stage).max() ?? .complaint
    switch outcome.decision {
    case .resolved where reached >= .partnerOps:
      sink.error(
        "a case that reached '\(reached.rawValue)' cannot close as 'resolved': from partner-ops on, only a fault "
          + "finding ('no-fault' or 'mark') closes it", at: outcome.location)
    case .noFault where reached < .partnerOps:
      sink.error(
        "'no-fault' is a finding of partner-ops or the review board, but this case only reached "
          + "'\(reached.rawValue)'", at: outcome.location)
    case .mark where reached != .reviewBoard:
      sink.error(
        "a mark is only placed by the review board, but this case only reached '\(reached.rawValue)'",
        at: outcome.location)
    default:
      break
    }
    if outcome.date < last.date {
      sink.error(
        "the outcome is dated \(outcome.date.iso), before the last step (\(last.date.iso))", at: outcome.location)
    }
  }
}
