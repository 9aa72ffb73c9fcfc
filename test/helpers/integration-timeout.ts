// The integration project's hang guard (jest reads `testTimeout` only once, for every project): real servers and real
// I/O get room for a machine whose cores are busy with something else. It bounds a hang; it measures nothing.
jest.setTimeout(180_000);
