import AccreditSupport
import Dispatch
import Synchronization
import Testing

@Suite("Work done beside a build's other steps")
struct BackgroundTests {
  /// What the work holds is let go once it has run, while the value is still held: a value waited for in
  /// another's work is then freed by whoever lets go of it, not by whichever lets go of the other last.
  @Test func whatTheWorkHoldsIsLetGoOnceItHasRun() {
    final class Held: Sendable {}
    weak var weakHeld: Held?
    let background: Background<Int> = {
      let held = Held()
      weakHeld = held
      return Background { withExtendedLifetime(held) { 42 } }
    }()
    #expect(background.value == 42)
    #expect(weakHeld == nil, "the work's captures outlived its run")
    withExtendedLifetime(background) {}
  }

  /// Asked for from many threads at once, the value is made once, and every caller gets it.
  @Test func theValueIsMadeOnceWhoeverAsksFirst() {
    let runs = Atomic<Int>(0)
    for _ in 0..<200 {
      let background = Background {
        runs.add(1, ordering: .relaxed)
        return 7
      }
      let values = Mutex<[Int]>([])
      DispatchQueue.concurrentPerform(iterations: 4) { _ in
        let value = background.value
        values.withLock { $0.append(value) }
      }
      #expect(values.withLock { $0 } == [7, 7, 7, 7])
    }
    #expect(runs.load(ordering: .relaxed) == 200)
  }
}
