package dev.arcfleet.testsupport.kube;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Reads the agent key encodings of {@code az connectedk8s connect} the way the agents and Azure would: a PKCS#1
 * {@code RSA PRIVATE KEY} PEM, and a base64 PKCS#1 {@code RSAPublicKey}, each handed to the JDK's RSA key factory
 * (wrapped in the PKCS#8 and X.509 envelopes it takes), so a key in any other encoding is refused.
 */
final class Pkcs1 {
    /** DER of the AlgorithmIdentifier rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };

    private Pkcs1() {}

    /** The modulus of a PKCS#1 PEM private key, or null when it is not one. */
    static BigInteger privateKeyModulus(String pem) {
        if (pem == null) {
            return null;
        }
        String text = pem.trim();
        String begin = "-----BEGIN RSA PRIVATE KEY-----";
        String end = "-----END RSA PRIVATE KEY-----";
        if (!text.startsWith(begin) || !text.endsWith(end)) {
            return null;
        }
        try {
            byte[] pkcs1 = Base64.getMimeDecoder().decode(text.substring(begin.length(), text.length() - end.length()));
            byte[] pkcs8 = der(0x30, concat(new byte[] {0x02, 0x01, 0x00}, RSA_ALGORITHM, der(0x04, pkcs1)));
            return ((RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)))
                    .getModulus();
        } catch (Exception e) {
            return null;
        }
    }

    /** The modulus of a base64 PKCS#1 public key, or null when it is not one. */
    static BigInteger publicKeyModulus(String base64) {
        try {
            byte[] pkcs1 = Base64.getDecoder().decode(base64);
            byte[] spki = der(0x30, concat(RSA_ALGORITHM, der(0x03, concat(new byte[] {0x00}, pkcs1))));
            return ((RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki)))
                    .getModulus();
        } catch (Exception e) {
            return null;
        }
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xFFFF ? 3 : n > 0xFF ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write((n >> (8 * i)) & 0xFF);
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
