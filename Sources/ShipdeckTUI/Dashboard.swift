import CNCursesW
import ShipdeckEngine

/// The ncurses dashboard. It observes a release through an `EventHub` and changes it only
/// through `ReleaseCommands` (nil in read-only watch mode).
public enum Dashboard {}
