; FILES.COM: the file calls inside the process's root. Prints one result per call ("ok" or E and the
; DOS error code in hex), then what it read back:
;   create OUT.TXT, write "pico", close; open it read/write, seek to the end (position 4), write "!",
;   seek to 0, read it back; mkdir SUB, chdir SUB, create IN.TXT there, get the current directory;
;   rename ..\OUT.TXT to ..\RENAMED.TXT; delete IN.TXT; dup the handle, close both.
        org 100h
%include "dos.inc"
main:   mov ah, 3Ch                 ; create
        xor cx, cx
        mov dx, out_txt
        int 21h
        call result
        mov [handle], ax
        mov bx, ax
        mov ah, 40h                 ; write "pico"
        mov cx, 4
        mov dx, pico
        int 21h
        call result
        mov ah, 3Eh                 ; close
        mov bx, [handle]
        int 21h
        call result
        mov ax, 3D02h               ; open read/write
        mov dx, out_txt
        int 21h
        call result
        mov [handle], ax
        mov bx, ax
        mov ax, 4202h               ; seek to the end
        xor cx, cx
        xor dx, dx
        int 21h
        call result
        call hex8                   ; the new position (04)
        mov ah, 40h                 ; write "!"
        mov bx, [handle]
        mov cx, 1
        mov dx, bang
        int 21h
        call result
        mov ax, 4200h               ; seek to 0
        mov bx, [handle]
        xor cx, cx
        xor dx, dx
        int 21h
        call result
        mov ah, 3Fh                 ; read back
        mov bx, [handle]
        mov cx, 16
        mov dx, buf
        int 21h
        call result
        mov bx, ax
        mov byte [buf + bx], '$'
        print buf
        print space
        mov ah, 45h                 ; dup
        mov bx, [handle]
        int 21h
        call result
        mov bx, ax
        mov ah, 3Eh                 ; close the duplicate
        int 21h
        call result
        mov ah, 3Eh                 ; close the original
        mov bx, [handle]
        int 21h
        call result
        mov ah, 39h                 ; mkdir SUB
        mov dx, subdir
        int 21h
        call result
        mov ah, 3Bh                 ; chdir SUB
        mov dx, subdir
        int 21h
        call result
        mov ah, 3Ch                 ; create IN.TXT (in SUB)
        xor cx, cx
        mov dx, in_txt
        int 21h
        call result
        mov bx, ax
        mov ah, 3Eh
        int 21h
        mov ah, 47h                 ; get the current directory
        xor dl, dl
        mov si, buf
        int 21h
        call result
        mov di, buf                 ; print it: up to the NUL
.find:  cmp byte [di], 0
        je .found
        inc di
        jmp .find
.found: mov byte [di], '$'
        print buf
        print space
        mov ah, 56h                 ; rename ..\OUT.TXT to ..\RENAMED.TXT
        mov dx, old_name
        mov di, new_name
        int 21h
        call result
        mov ah, 41h                 ; delete IN.TXT
        mov dx, in_txt
        int 21h
        call result
        print crlf
        exit 0
out_txt  db "OUT.TXT", 0
in_txt   db "in.txt", 0
subdir   db "SUB", 0
old_name db "..\OUT.TXT", 0
new_name db "..\RENAMED.TXT", 0
pico     db "pico"
bang     db "!"
space    db " $"
crlf     db 13, 10, "$"
handle   dw 0
buf      times 80 db 0
