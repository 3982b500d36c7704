import Foundation

/// The number of cores this process may use.
enum ProcessInfoCores {
  static var active: Int { ProcessInfo.processInfo.activeProcessorCount }
}
