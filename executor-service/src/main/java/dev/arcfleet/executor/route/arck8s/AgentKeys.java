package dev.arcfleet.executor.route.arck8s;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Arc agents' RSA 4096 key pair, in the encodings {@code az connectedk8s connect} uses (docs/azure-contract.md,
 * "Agent key"): the connected cluster's {@code agentPublicKeyCertificate} is the base64 of the PKCS#1
 * {@code RSAPublicKey} (DER), and the agents read the private key as a PKCS#1 PEM ({@code RSA PRIVATE KEY}) from the
 * {@code azure-arc-connect-privatekey} Secret. The executor generates the pair in memory, writes the private key only
 * to that Secret in the target cluster, and derives the public key from it when Azure needs it; the private key is
 * never stored, logged or published anywhere else.
 */
public final class AgentKeys {
    private static final String PEM_BEGIN = "-----BEGIN RSA PRIVATE KEY-----";
    private static final String PEM_END = "-----END RSA PRIVATE KEY-----";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final LongAdder GENERATED = new LongAdder();
    private static final LongAdder CPU_NANOS = new LongAdder();

    private AgentKeys() {}

    public record Encoded(String publicKeyBase64, String privateKeyPem) {
        @Override
        public String toString() {
            return "AgentKeys[public key " + publicKeyBase64.length() + " chars, private key redacted]";
        }
    }

    /** Key pairs {@link #generate}d by this JVM. */
    public static long generated() {
        return GENERATED.sum();
    }

    /**
     * CPU seconds the calling threads spent in {@link #generate} (the thread's CPU time, else wall time where the JVM
     * cannot tell it): RSA 4096 key generation is most of a live executor's CPU, and its share tells capacity.
     */
    public static double cpuSeconds() {
        return CPU_NANOS.sum() / 1e9;
    }

    private static long threadTime() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    public static Encoded generate() {
        long before = threadTime();
        try {
            return encode();
        } finally {
            CPU_NANOS.add(threadTime() - before);
            GENERATED.increment();
        }
    }

    private static Encoded encode() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(4096);
            KeyPair pair = generator.generateKeyPair();
            RSAPrivateCrtKey key = (RSAPrivateCrtKey) pair.getPrivate();
            byte[] pkcs1 = sequence(List.of(
                    BigInteger.ZERO,
                    key.getModulus(),
                    key.getPublicExponent(),
                    key.getPrivateExponent(),
                    key.getPrimeP(),
                    key.getPrimeQ(),
                    key.getPrimeExponentP(),
                    key.getPrimeExponentQ(),
                    key.getCrtCoefficient()));
            String pem = PEM_BEGIN + "\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pkcs1) + "\n" + PEM_END + "\n";
            return new Encoded(publicKeyOf(key.getModulus(), key.getPublicExponent()), pem);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is part of every JRE", e);
        }
    }

    /** The base64 PKCS#1 public key that belongs to a PKCS#1 PEM private key (its modulus and public exponent). */
    public static String publicKeyOfPem(String privateKeyPem) {
        String body = privateKeyPem.trim();
        if (!body.startsWith(PEM_BEGIN) || !body.endsWith(PEM_END)) {
            throw new IllegalArgumentException("not a PKCS#1 RSA private key PEM");
        }
        byte[] der =
                Base64.getMimeDecoder().decode(body.substring(PEM_BEGIN.length(), body.length() - PEM_END.length()));
        List<BigInteger> fields = readSequenceOfIntegers(der);
        if (fields.size() < 3) {
            throw new IllegalArgumentException("PKCS#1 RSA private key has " + fields.size() + " fields");
        }
        return publicKeyOf(fields.get(1), fields.get(2));
    }

    static String publicKeyOf(BigInteger modulus, BigInteger exponent) {
        return Base64.getEncoder().encodeToString(sequence(List.of(modulus, exponent)));
    }

    // ---- the little DER these two structures need: a SEQUENCE of INTEGERs --------------------------------------

    private static byte[] sequence(List<BigInteger> integers) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (BigInteger i : integers) {
            byte[] value = i.toByteArray();
            content.write(0x02);
            writeLength(content, value.length);
            content.writeBytes(value);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        writeLength(out, content.size());
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = length > 0xFFFF ? 3 : length > 0xFF ? 2 : 1;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((length >> (8 * i)) & 0xFF);
        }
    }

    private static List<BigInteger> readSequenceOfIntegers(byte[] der) {
        int[] at = {0};
        if ((der[at[0]++] & 0xFF) != 0x30) {
            throw new IllegalArgumentException("not a DER SEQUENCE");
        }
        int end = readLength(der, at) + at[0];
        List<BigInteger> out = new ArrayList<>();
        while (at[0] < end) {
            if ((der[at[0]++] & 0xFF) != 0x02) {
                throw new IllegalArgumentException("not a DER INTEGER at " + (at[0] - 1));
            }
            int length = readLength(der, at);
            byte[] value = new byte[length];
            System.arraycopy(der, at[0], value, 0, length);
            at[0] += length;
            out.add(new BigInteger(value));
        }
        return out;
    }

    private static int readLength(byte[] der, int[] at) {
        int first = der[at[0]++] & 0xFF;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7F); i++) {
            length = (length << 8) | (der[at[0]++] & 0xFF);
        }
        return length;
    }
}
