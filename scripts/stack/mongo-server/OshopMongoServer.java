import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * Starts mongo-java-server on a loopback port.
 * Usage: OshopMongoServer HOST PORT [FILE]   (FILE: H2 MVStore file; absent: in memory)
 */
public final class OshopMongoServer {
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: OshopMongoServer HOST PORT [DATA_FILE]");
      System.exit(2);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    MongoServer server =
        args.length > 2 ? new MongoServer(new H2Backend(args[2])) : new MongoServer(new MemoryBackend());
    // Flush the MVStore on SIGTERM so a stop never loses acknowledged writes.
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
    server.bind(host, port);
    System.out.println("mongo-java-server listening on " + host + ":" + port);
    Thread.currentThread().join();
  }
}
