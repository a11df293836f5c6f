; DosAllocMem of committed 16 MiB blocks (each touched) until it fails: the failure must be
; ERROR_NOT_ENOUGH_MEMORY; then DosFreeMem of the last block and one more DosAllocMem must succeed (the program
; carries on); prints "carried on" and exits with the number of blocks it got.
; Exit 250: never failed (1000 blocks); 251: failed with another error; 252: DosFreeMem failed; 253: the
; allocation after the free failed.
bits 32
org 0x10000
        jmp near start
        align 8
DosAllocMem:    dd 0                ; 8   DOSCALLS.299
DosFreeMem:     dd 0                ; 12  DOSCALLS.304
DosWrite:       dd 0                ; 16  DOSCALLS.282
DosExit:        dd 0                ; 20  DOSCALLS.234
start:
.loop:
        push 0x13                   ; PAG_COMMIT | PAG_READ | PAG_WRITE
        push 0x1000000
        push block
        call [DosAllocMem]
        add esp, 12
        test eax, eax
        jnz .failed
        mov edx, [block]
        mov [last], edx
        mov byte [edx], 1
        mov byte [edx + 0xfff000], 1
        inc dword [count]
        cmp dword [count], 1000
        jb .loop
        mov eax, 250
        jmp .exit
.failed:
        cmp eax, 8                  ; ERROR_NOT_ENOUGH_MEMORY
        mov eax, 251
        jne .exit
        push dword [last]
        call [DosFreeMem]
        add esp, 4
        test eax, eax
        mov eax, 252
        jnz .exit
        push 0x13
        push 0x1000000
        push block
        call [DosAllocMem]
        add esp, 12
        test eax, eax
        mov eax, 253
        jnz .exit
        mov edx, [block]
        mov byte [edx], 1
        push written
        push msglen
        push msg
        push 1
        call [DosWrite]
        add esp, 16
        mov eax, [count]
.exit:
        push eax
        push 1
        call [DosExit]
block:   dd 0
last:    dd 0
count:   dd 0
written: dd 0
msg:     db "carried on", 13, 10
msglen   equ $ - msg
