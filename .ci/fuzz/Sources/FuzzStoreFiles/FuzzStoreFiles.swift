import Acquisition
import FuzzDriver
import SwitchboardCore
import SwitchboardFuzzing

@main
enum Main {
    static func main() { FuzzDriver.run(FuzzEntryPoints.storeFiles) }
}
