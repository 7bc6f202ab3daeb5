package dev.arcfleet.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starting infrastructure the way {@code bin/fleet-local} does: a JVM on the local-stack module's classpath. */
final class LocalStackJava {
    private LocalStackJava() {
    }

    static ProcessBuilder process(Path root, Path log, String heap, String mainClass, List<String> args) {
        String classpath = root.resolve("local-stack/target/local-stack-0.1.0-SNAPSHOT.jar") + File.pathSeparator
                + root.resolve("local-stack/target/lib") + "/*";
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-cp", classpath, mainClass));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
