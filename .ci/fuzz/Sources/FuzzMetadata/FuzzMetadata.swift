import Acquisition
import FuzzDriver
import SwitchboardCore

@main
enum Main {
    static func main() { FuzzDriver.run(FuzzEntryPoints.metadata) }
}
